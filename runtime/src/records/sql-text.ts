/**
 * Quoting for the Spark SQL this runtime writes (identifiers in backquotes, comments as string literals) is the
 * schema package's (@lakehouse-contracts/schema, sql-text.ts); this module adds the runtime's error to its table
 * name parser.
 */
import { safeParseTableName, type TableName } from "@lakehouse-contracts/schema";
import { InvalidArgumentError } from "../errors.js";

export { quoteIdentifier, sqlString, type TableName } from "@lakehouse-contracts/schema";

/**
 * Parses a table name as `(catalog.)(schema.)table`, each part a plain identifier (letters, digits, `_`, not
 * starting with a digit) or a backquoted one (`` `my table` ``, a backquote inside written twice), as Spark's
 * multipart identifiers are. Anything else — spaces around a dot, comments, quotes, a fourth part — is an
 * `InvalidArgumentError` that shows the name, so a name never becomes more SQL than a name.
 *
 * @example
 * parseTableName("main.shop.`order lines`").sql // "`main`.`shop`.`order lines`"
 */
export function parseTableName(text: string): TableName {
  const parsed = safeParseTableName(text);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.value;
}
