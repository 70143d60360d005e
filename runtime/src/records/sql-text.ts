/** Quoting for the Spark SQL this runtime writes: identifiers in backquotes, comments as string literals. */

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
