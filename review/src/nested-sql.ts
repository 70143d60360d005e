/**
 * SQL for values inside a column: Delta names a field of the records of a list `lines.element.sku` and of a map
 * `stock.value.count` (ADD COLUMNS, RENAME/DROP COLUMN and ALTER COLUMN take those paths; checked against
 * Delta 4.4), but an expression cannot reach into an array or a map that way. Expressions go through them with
 * higher-order functions instead: `transform` and `transform_values` to rebuild the records (an array of structs
 * cannot be CAST to one with more fields).
 */
import { quoteIdentifier, type SparkType, sqlString } from "@lakehouse-contracts/schema";
import type { TableSnapshot } from "./snapshot.js";

/** A part of a column path: a column or struct field, a list's elements, a map's values; with its type. */
export interface Step {
  readonly part: string;
  readonly kind: "field" | "element" | "value";
  readonly type: SparkType;
  readonly comment?: string;
}

/** The steps of `path` in a table, or undefined when the table has no such column or field. */
export function stepsOf(table: TableSnapshot, path: readonly string[]): Step[] | undefined {
  const [first, ...rest] = path;
  const column = table.columns.find((c) => c.column === first);
  if (column === undefined) return undefined;
  const steps: Step[] = [
    {
      part: column.column,
      kind: "field",
      type: column.type,
      ...(column.comment === undefined ? {} : { comment: column.comment }),
    },
  ];
  for (const part of rest) {
    const next = stepInto(steps[steps.length - 1]?.type, part);
    if (next === undefined) return undefined;
    steps.push(next);
  }
  return steps;
}

function stepInto(type: SparkType | undefined, part: string): Step | undefined {
  if (type?.kind === "array") return part === "element" ? { part, kind: "element", type: type.element } : undefined;
  if (type?.kind === "map") return part === "value" ? { part, kind: "value", type: type.value } : undefined;
  const field = type?.kind === "struct" ? type.fields.find((f) => f.name === part) : undefined;
  return field === undefined
    ? undefined
    : { part, kind: "field", type: field.type, ...(field.comment === undefined ? {} : { comment: field.comment }) };
}

/** Whether a path goes into the elements of a list or the values of a map. */
export function throughCollection(steps: readonly Step[]): boolean {
  return steps.some((s) => s.kind !== "field");
}

/** How many steps of `steps` are plain fields before the first list or map: the part SQL can address by name. */
export function fieldPrefixLength(steps: readonly Step[]): number {
  const i = steps.findIndex((s) => s.kind !== "field");
  return i < 0 ? steps.length : i;
}

/** A lambda variable, numbered below the outermost one: `e`, `e1`, … */
export function lambdaName(base: "e" | "k" | "v", depth: number): string {
  return depth === 0 ? base : `${base}${depth}`;
}

/** A field to fill where it is NULL, by its path below the value being rebuilt, with its proto3 default. */
export interface Fill {
  readonly rel: readonly string[];
  readonly value: string;
}

/**
 * `source` (of `type`) rebuilt with every field of `fills` set to its default where it is NULL: structs field by
 * field with `named_struct`, lists with `transform`, maps with `transform_values`. A NULL struct, list or map stays
 * NULL (`transform` of NULL is NULL; a struct is guarded with IF).
 */
export function filled(source: string, type: SparkType, fills: readonly Fill[], depth = 0): string {
  const rest = fills.map((f) => ({ ...f, rel: f.rel.slice(1) }));
  if (type.kind === "array") {
    const e = lambdaName("e", depth);
    return `transform(${source}, ${e} -> ${filled(e, type.element, rest, depth + 1)})`;
  }
  if (type.kind === "map") {
    const [k, v] = [lambdaName("k", depth), lambdaName("v", depth)];
    return `transform_values(${source}, (${k}, ${v}) -> ${filled(v, type.value, rest, depth + 1)})`;
  }
  if (type.kind !== "struct") return source;
  const fields = type.fields.map((field) => {
    const at = `${source}.${quoteIdentifier(field.name)}`;
    const mine = fills.filter((f) => f.rel[0] === field.name);
    const leaf = mine.find((f) => f.rel.length === 1);
    const value =
      leaf !== undefined
        ? `coalesce(${at}, ${leaf.value})`
        : mine.length > 0
          ? filled(
              at,
              field.type,
              mine.map((f) => ({ ...f, rel: f.rel.slice(1) })),
              depth,
            )
          : at;
    return `${sqlString(field.name)}, ${value}`;
  });
  return `IF(${source} IS NULL, NULL, named_struct(${fields.join(", ")}))`;
}
