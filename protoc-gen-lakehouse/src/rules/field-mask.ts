/**
 * FieldMask rules as checks. A record holds a FieldMask as its paths (`string[]`), so the rules read the array
 * directly. `in` and `not_in` have protovalidate's sub-path semantics (validate.proto's CEL): a path is covered by
 * an entry when it equals it or starts with the entry and a dot (`a.b` is covered by `a`, `ab` is not).
 */
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { Check, CheckContext, Code } from "./checks.js";

const lit = (s: string): string => JSON.stringify(s);
const r = (name: string) => ({ runtime: name });

function check(violated: Code, rule: string, id: string, message: string): Check {
  return { violated, rule, id, message: [lit(message)] };
}

/** CEL's `'%s'.format([list])` of a list of strings: `[a, b]`. */
const listText = (paths: readonly string[]): string => `[${paths.join(", ")}]`;

/**
 * The checks of `field_mask` rules on the paths `x`; `set` holds the set rule fields by proto name (`example`
 * removed: its expression is `true`).
 */
export function fieldMaskChecks(
  set: Map<string, unknown>,
  x: string,
  rule: (name: string) => string,
  ctx: CheckContext,
): Check[] {
  const out: Check[] = [];
  const list = (paths: readonly string[]): string => ctx.constant([`[${paths.map(lit).join(", ")}]`]);
  const c = set.get("const") as FieldMask | undefined;
  if (c !== undefined) {
    out.push(
      check(
        ["!", r("stringsEqual"), `(${x}, ${list(c.paths)})`],
        rule("const"),
        "field_mask.const",
        `must equal paths ${listText(c.paths)}`,
      ),
    );
  }
  const allowed = set.get("in") as string[] | undefined;
  if (allowed !== undefined && allowed.length > 0) {
    out.push(
      check(
        ["!", r("fieldMaskWithin"), `(${x}, ${list(allowed)})`],
        rule("in"),
        "field_mask.in",
        `must only contain paths in ${listText(allowed)}`,
      ),
    );
  }
  const denied = set.get("not_in") as string[] | undefined;
  if (denied !== undefined && denied.length > 0) {
    out.push(
      check(
        [r("fieldMaskTouches"), `(${x}, ${list(denied)})`],
        rule("not_in"),
        "field_mask.not_in",
        `must not contain any paths in ${listText(denied)}`,
      ),
    );
  }
  return out;
}
