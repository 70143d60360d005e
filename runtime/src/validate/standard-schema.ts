/**
 * Standard Schema v1 (https://standardschema.dev): lets tRPC, Hono, form libraries and the like validate with a
 * record class. The input is the record itself (an instance, or an init object that the class's constructor takes).
 */
import type { Violation } from "./violation.js";

export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output>;
    readonly types?: { readonly input: Input; readonly output: Output };
  };
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly { readonly message: string; readonly path: readonly (string | number)[] }[] };

/** The `~standard` property of a record class: `toRecord` builds the record, `check` lists its violations. */
export function standardSchema<Input, T>(
  toRecord: (value: unknown) => T,
  check: (record: T) => readonly Violation[],
): StandardSchemaV1<Input, T>["~standard"] {
  return {
    version: 1,
    vendor: "lakehouse-contracts",
    validate(value) {
      let record: T;
      try {
        record = toRecord(value);
      } catch (e) {
        return { issues: [{ message: e instanceof Error ? e.message : String(e), path: [] }] };
      }
      let violations: readonly Violation[];
      try {
        violations = check(record);
      } catch (e) {
        // A rule that cannot be evaluated: one issue, as protovalidate-es's adapter reports `{ kind: "error" }`.
        return { issues: [{ message: e instanceof Error ? e.message : String(e), path: [] }] };
      }
      if (violations.length === 0) return { value: record };
      return { issues: violations.map((v) => ({ message: v.message, path: pathSegments(v.path) })) };
    },
  };
}

/** `items[2].sku` → `["items", 2, "sku"]`; map keys stay strings. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[("(?:[^"\\]|\\.)*"|[^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : numberOr(m[2]));
  }
  return out;
}

function numberOr(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}
