/** Quoting for the Spark SQL this runtime writes: identifiers in backquotes, comments as string literals. */
import { InvalidArgumentError } from "../errors.js";

/** `` `a``b` `` for the identifier ``a`b``: backquotes are doubled, as Spark's parser expects. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/**
 * A Spark SQL string literal. Spark unescapes backslash sequences in literals by default
 * (`spark.sql.parser.escapedStringLiterals=false`), so backslashes and quotes are escaped, and control characters
 * are written as escapes so that the DDL stays on one line.
 */
export function sqlString(text: string): string {
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll("'", "\\'")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
  return `'${escaped}'`;
}

/** A table's name, checked: one to three identifier parts (`table`, `schema.table`, `catalog.schema.table`). */
export interface TableName {
  /** The parts as Spark will see them, unquoted. */
  readonly parts: readonly string[];
  /** Each part backquoted, e.g. `` `main`.`shop`.`orders` ``: safe to put into SQL text. */
  readonly sql: string;
}

const PLAIN_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a table name as `(catalog.)(schema.)table`, each part a plain identifier (letters, digits, `_`, not
 * starting with a digit) or a backquoted one (`` `my table` ``, a backquote inside written twice), as Spark's
 * multipart identifiers are. Anything else — spaces around a dot, comments, quotes, a fourth part — is refused,
 * so a name never becomes more SQL than a name (`"victim --"` once ran `DELETE FROM victim -- WHERE …`). The error
 * shows the name: it is not a secret, and the caller needs to see what was refused.
 */
export function parseTableName(text: string): TableName {
  const fail = (why: string): never => {
    throw new InvalidArgumentError(
      `invalid table name ${JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text)}: ${why}; ` +
        "expected table, schema.table or catalog.schema.table (backquote parts with other characters)",
    );
  };
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === "`") {
      let part = "";
      let j = i + 1;
      for (;;) {
        const close = text.indexOf("`", j);
        if (close < 0) return fail("a backquote is not closed");
        part += text.slice(j, close);
        if (text[close + 1] === "`") {
          part += "`";
          j = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      if (part === "") fail("a part is empty");
      parts.push(part);
    } else {
      const dot = text.indexOf(".", i);
      const part = text.slice(i, dot < 0 ? text.length : dot);
      if (!PLAIN_PART.test(part)) fail(part === "" ? "a part is empty" : `"${part}" is not a plain identifier`);
      parts.push(part);
      i += part.length;
    }
    if (i === text.length) break;
    if (text[i] !== ".") fail("parts must be separated by a dot and nothing else");
    i++;
    if (i === text.length) fail("it ends with a dot");
  }
  if (parts.length > 3) fail(`it has ${parts.length} parts`);
  return { parts, sql: parts.map(quoteIdentifier).join(".") };
}
