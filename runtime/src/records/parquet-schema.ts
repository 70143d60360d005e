/**
 * The Parquet schema of the files `toParquet` writes, in parquet-mr's message text (what `parquet-tools schema`
 * and Spark's logs print). It describes the file exactly as parquet-wasm (arrow-rs) writes the Arrow schema:
 * - the root is `arrow_schema`, arrow-rs's name for it;
 * - INT and BIGINT are plain `int32`/`int64` without an INTEGER annotation (Spark writes them the same way);
 * - DECIMAL(p,s) is `int32` for p ≤ 9, `int64` for p ≤ 18, else `fixed_len_byte_array(n)` with the fewest bytes
 *   that hold p digits (Spark's non-legacy layout too);
 * - TIMESTAMP is `int64 (TIMESTAMP(MICROS,true))`, DATE `int32 (DATE)`, strings `binary (STRING)`;
 * - lists and maps use the 3-level layout, with Arrow's child names (`list`/`element`, `entries`/`key`/`value`).
 */
import type { FieldType, RecordDescriptor, ScalarKind } from "./descriptor.js";
import { checkDescriptor } from "./descriptor-check.js";

const ROOT = "arrow_schema";
const INDENT = "  ";

export function parquetSchema(d: RecordDescriptor): string {
  checkDescriptor(d);
  const lines = [`message ${ROOT} {`];
  for (const field of d.fields) lines.push(...node(field.column, field.type, !field.nullable, 1));
  lines.push("}");
  return lines.join("\n");
}

function primitive(name: string, required: boolean, depth: number, physical: string, annotation?: string): string[] {
  const logical = annotation === undefined ? "" : ` (${annotation})`;
  return [`${INDENT.repeat(depth)}${required ? "required" : "optional"} ${physical} ${name}${logical};`];
}

function group(name: string, required: boolean, depth: number, annotation: string | undefined, body: string[]) {
  const pad = INDENT.repeat(depth);
  const logical = annotation === undefined ? "" : ` (${annotation})`;
  return [`${pad}${required ? "required" : "optional"} group ${name}${logical} {`, ...body, `${pad}}`];
}

function node(name: string, type: FieldType, required: boolean, depth: number): string[] {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return scalarNode(name, type.scalar, required, depth);
    case "enum":
      return type.asInt
        ? primitive(name, required, depth, "int32")
        : primitive(name, required, depth, "binary", "STRING");
    case "message":
      return group(
        name,
        required,
        depth,
        undefined,
        type.record().fields.flatMap((f) => node(f.column, f.type, !f.nullable, depth + 1)),
      );
    case "timestamp":
      return primitive(name, required, depth, "int64", "TIMESTAMP(MICROS,true)");
    case "date":
      return primitive(name, required, depth, "int32", "DATE");
    case "duration":
      return primitive(name, required, depth, "int64");
    case "json":
      return primitive(name, required, depth, "binary", "STRING");
    case "decimal":
      return decimalNode(name, type.precision, type.scale, required, depth);
    case "list": {
      const pad = INDENT.repeat(depth + 1);
      return group(name, required, depth, "LIST", [
        `${pad}repeated group list {`,
        ...node("element", type.element, true, depth + 2),
        `${pad}}`,
      ]);
    }
    case "map": {
      const pad = INDENT.repeat(depth + 1);
      return group(name, required, depth, "MAP", [
        `${pad}repeated group entries {`,
        ...scalarNode("key", type.key, true, depth + 2),
        ...node("value", type.value, true, depth + 2),
        `${pad}}`,
      ]);
    }
  }
}

function scalarNode(name: string, kind: ScalarKind, required: boolean, depth: number): string[] {
  switch (kind) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return primitive(name, required, depth, "int32");
    case "int64":
    case "sint64":
    case "sfixed64":
    case "uint32":
    case "fixed32":
      return primitive(name, required, depth, "int64");
    case "uint64":
    case "fixed64":
      return decimalNode(name, 20, 0, required, depth);
    case "float":
      return primitive(name, required, depth, "float");
    case "double":
      return primitive(name, required, depth, "double");
    case "bool":
      return primitive(name, required, depth, "boolean");
    case "string":
      return primitive(name, required, depth, "binary", "STRING");
    case "bytes":
      return primitive(name, required, depth, "binary");
  }
}

function decimalNode(name: string, precision: number, scale: number, required: boolean, depth: number): string[] {
  const annotation = `DECIMAL(${precision},${scale})`;
  if (precision <= 9) return primitive(name, required, depth, "int32", annotation);
  if (precision <= 18) return primitive(name, required, depth, "int64", annotation);
  return primitive(name, required, depth, `fixed_len_byte_array(${decimalBytes(precision)})`, annotation);
}

/** The fewest bytes of a two's-complement integer that hold every value of `precision` decimal digits. */
export function decimalBytes(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let bytes = 1;
  while (1n << BigInt(8 * bytes - 1) <= max) bytes++;
  return bytes;
}
