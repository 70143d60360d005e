/**
 * google.protobuf.FieldMask in proto3 JSON: one string, the paths joined by commas, each path's field names in
 * lowerCamelCase (`"user.displayName,photo"` for the paths `user.display_name` and `photo`); see
 * https://protobuf.dev/programming-guides/json/. Both directions are as strict as Go's protojson: a path must be
 * field names joined by dots, and its lowerCamelCase form must map back to the same path.
 */
import { protoCamelCase, protoSnakeCase } from "@bufbuild/protobuf/reflect";
import { Invalid } from "./numbers.js";

/** One field name of a path. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `a.b_c` and the like: identifiers joined by dots (protobuf's FullName). Checked name by name: one regex with a
 * repeated group over the whole path overflows V8's regex stack on untrusted input of millions of segments.
 */
function isFieldPath(path: string): boolean {
  return path.split(".").every((name) => FIELD_NAME.test(name));
}

/** The JSON string of a FieldMask's paths; an `Invalid` naming the first path that has none. */
export function fieldMaskToJson(paths: unknown): string | Invalid {
  if (!Array.isArray(paths)) return new Invalid("must be an array of paths (google.protobuf.FieldMask)");
  const out: string[] = [];
  for (const path of paths as readonly unknown[]) {
    if (typeof path !== "string" || !isFieldPath(path)) {
      return new Invalid(`has path ${JSON.stringify(path)}, which is not field names joined by dots`);
    }
    const camel = protoCamelCase(path);
    if (protoSnakeCase(camel) !== path) {
      return new Invalid(
        `has path ${JSON.stringify(path)}, whose lowerCamelCase JSON form (${camel}) reads back differently`,
      );
    }
    out.push(camel);
  }
  return out.join(",");
}

/** The paths of a FieldMask's JSON string; an `Invalid` naming the first bad path. */
export function fieldMaskFromJson(json: unknown): string[] | Invalid {
  if (typeof json !== "string") return new Invalid('must be a string of comma-separated paths, e.g. "a.b,cD"');
  if (json === "") return [];
  const paths: string[] = [];
  for (const part of json.split(",")) {
    const path = protoSnakeCase(part);
    if (part.includes("_") || !isFieldPath(path)) {
      return new Invalid(`has path ${JSON.stringify(part)}; paths must be lowerCamelCase field names joined by dots`);
    }
    paths.push(path);
  }
  return paths;
}
