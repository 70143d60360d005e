/**
 * Values of google.protobuf.Struct/Value/ListValue/Any fields: JSON values, stored in STRING columns as their
 * proto3 JSON text. Checked before they are written, because `JSON.stringify` silently turns NaN into `null`,
 * drops `undefined` and throws on bigint.
 */
import type { JsonValue } from "@bufbuild/protobuf";
import type { JsonWellKnown } from "@lakehouse-contracts/schema";
import { Invalid } from "./numbers.js";

const MAX_DEPTH = 100;

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The value if it is a JSON value of the well-known type's shape. */
export function toJsonValue(value: unknown, wellKnown: JsonWellKnown): JsonValue | Invalid {
  if (wellKnown === "Struct" && !isJsonObject(value)) return new Invalid("must be a JSON object (Struct)");
  if (wellKnown === "ListValue" && !Array.isArray(value)) return new Invalid("must be a JSON array (ListValue)");
  if (wellKnown === "Any" && !(isJsonObject(value) && typeof value["@type"] === "string")) {
    return new Invalid('must be a JSON object with an "@type" string (Any)');
  }
  const problem = findNonJson(value, 0);
  return problem === undefined ? (value as JsonValue) : new Invalid(problem);
}

function findNonJson(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `nests deeper than ${MAX_DEPTH} levels`;
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `holds ${value}, which JSON cannot represent`;
    case "object": {
      if (value === null) return undefined;
      const items = Array.isArray(value) ? value : isJsonObject(value) ? Object.values(value) : undefined;
      if (items === undefined) return "holds an object that is not plain JSON";
      for (const item of items) {
        const problem = findNonJson(item, depth + 1);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `holds a ${typeof value}, which JSON cannot represent`;
  }
}
