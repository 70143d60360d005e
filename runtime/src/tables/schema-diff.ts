/**
 * Compares a table's schema (as Spark reports it) with a contract's, column by column, and describes every
 * difference in words: missing, extra, retyped or re-nullabled columns; and its CHECK constraints with the
 * contract's (missing, different or extra ones).
 */
import type { CheckConstraint } from "@lakehouse-contracts/schema";
import type { DataType } from "../gen/spark/connect/types_pb.js";

export interface ColumnShape {
  name: string;
  type: string;
  nullable: boolean;
}

/** Spark's simple type string for a DataType proto (`bigint`, `array<string>`, `struct<a:int>`, …). */
export function typeString(t: DataType | undefined): string {
  const k = t?.kind;
  switch (k?.case) {
    case undefined:
      return "unknown";
    case "integer":
      return "int";
    case "long":
      return "bigint";
    case "short":
      return "smallint";
    case "byte":
      return "tinyint";
    case "timestamp":
      return "timestamp";
    case "timestampNtz":
      return "timestamp_ntz";
    case "decimal":
      return `decimal(${k.value.precision ?? 10},${k.value.scale ?? 0})`;
    case "array":
      return `array<${typeString(k.value.elementType)}>`;
    case "map":
      return `map<${typeString(k.value.keyType)},${typeString(k.value.valueType)}>`;
    case "struct":
      return `struct<${k.value.fields.map((f) => `${f.name}:${typeString(f.dataType)}`).join(",")}>`;
    default:
      return String(k?.case).toLowerCase();
  }
}

export function columnsOf(t: DataType): ColumnShape[] {
  if (t.kind.case !== "struct") return [];
  return t.kind.value.fields.map((f) => ({ name: f.name, type: typeString(f.dataType), nullable: f.nullable }));
}

/** Readable differences between `actual` (the table) and `expected` (the contract); empty when they agree. */
export function diffColumns(actual: readonly ColumnShape[], expected: readonly ColumnShape[]): string[] {
  const lines: string[] = [];
  const have = new Map(actual.map((c) => [c.name.toLowerCase(), c]));
  const want = new Map(expected.map((c) => [c.name.toLowerCase(), c]));
  for (const c of expected) {
    const a = have.get(c.name.toLowerCase());
    if (!a) lines.push(`- ${c.name} ${c.type}${c.nullable ? "" : " NOT NULL"}: missing from the table`);
    else if (a.type !== c.type) lines.push(`~ ${c.name}: the table has ${a.type}, the contract says ${c.type}`);
    else if (a.nullable !== c.nullable) {
      lines.push(
        `~ ${c.name}: the table's column is ${a.nullable ? "nullable" : "NOT NULL"}, the contract's is ${c.nullable ? "nullable" : "NOT NULL"}`,
      );
    }
  }
  for (const a of actual) {
    if (!want.has(a.name.toLowerCase())) lines.push(`+ ${a.name} ${a.type}: in the table, not in the contract`);
  }
  return lines;
}

/**
 * Readable differences between a table's CHECK constraints (expression by name) and the contract's. Expressions
 * are compared without whitespace: Delta keeps a constraint added by `ALTER TABLE … ADD CONSTRAINT` as its tokens
 * joined by spaces (`startswith ( b , X '01' )`), one created with the table as written.
 */
export function diffConstraints(
  actual: Readonly<Record<string, string>>,
  expected: readonly CheckConstraint[],
): string[] {
  const lines: string[] = [];
  const bare = (sql: string) => sql.replace(/\s+/g, "");
  const have = new Map(Object.entries(actual).map(([name, sql]) => [name.toLowerCase(), sql]));
  const want = new Set(expected.map((c) => c.name.toLowerCase()));
  for (const c of expected) {
    const a = have.get(c.name.toLowerCase());
    if (a === undefined) lines.push(`- constraint ${c.name} (${c.field}: ${c.rule}): missing from the table`);
    else if (bare(a) !== bare(c.expression)) {
      lines.push(`~ constraint ${c.name}: the table checks ${a}, the contract says ${c.expression}`);
    }
  }
  for (const [name, sql] of have) {
    if (!want.has(name)) lines.push(`+ constraint ${name} ${sql}: in the table, not in the contract`);
  }
  return lines;
}
