/** Quoting for the Spark SQL that is written from contracts: identifiers in backquotes, comments as string literals. */
import type { TableDescriptor } from "./descriptor.js";

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

/** `` `catalog`.`schema`.`name` `` of a contract's table, omitting the parts it does not set. */
export function qualifiedName(table: Pick<TableDescriptor, "catalog" | "schema" | "name">): string {
  return [table.catalog, table.schema, table.name]
    .filter((part): part is string => part !== undefined && part !== "")
    .map(quoteIdentifier)
    .join(".");
}

/** A table's name, checked: one to three identifier parts (`table`, `schema.table`, `catalog.schema.table`). */
export interface TableName {
  /** The parts as Spark will see them, unquoted. */
  readonly parts: readonly string[];
  /** Each part backquoted, e.g. `` `main`.`shop`.`orders` ``: safe to put into SQL text. */
  readonly sql: string;
}

/** A parsed table name, or why the text is none: the whole message, naming the text. */
export type TableNameResult =
  | { readonly ok: true; readonly value: TableName }
  | { readonly ok: false; readonly message: string };

const PLAIN_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a table name as `(catalog.)(schema.)table`, each part a plain identifier (letters, digits, `_`, not
 * starting with a digit) or a backquoted one (`` `my table` ``, a backquote inside written twice), as Spark's
 * multipart identifiers are. Anything else — spaces around a dot, comments, quotes, a fourth part — is refused,
 * so a name never becomes more SQL than a name (`"victim --"` once ran `DELETE FROM victim -- WHERE …`). The message
 * shows the name: it is not a secret, and the caller needs to see what was refused. Never throws (the runtime's
 * `parseTableName` throws its `InvalidArgumentError` with this message).
 */
export function safeParseTableName(text: string): TableNameResult {
  const fail = (why: string): TableNameResult => ({
    ok: false,
    message:
      `invalid table name ${JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text)}: ${why}; ` +
      "expected table, schema.table or catalog.schema.table (backquote parts with other characters)",
  });
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
      if (part === "") return fail("a part is empty");
      parts.push(part);
    } else {
      const dot = text.indexOf(".", i);
      const part = text.slice(i, dot < 0 ? text.length : dot);
      if (!PLAIN_PART.test(part)) return fail(part === "" ? "a part is empty" : `"${part}" is not a plain identifier`);
      parts.push(part);
      i += part.length;
    }
    if (i === text.length) break;
    if (text[i] !== ".") return fail("parts must be separated by a dot and nothing else");
    i++;
    if (i === text.length) return fail("it ends with a dot");
  }
  if (parts.length > 3) return fail(`it has ${parts.length} parts`);
  return { ok: true, value: { parts, sql: parts.map(quoteIdentifier).join(".") } };
}
