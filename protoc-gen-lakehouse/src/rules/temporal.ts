/**
 * Duration, Timestamp and Any rules as checks. Record classes hold a Duration as `bigint` microseconds and a
 * Timestamp as a `Date` whose exact µs `epochMicrosOf` gives, so bounds compare against integers fixed at generation
 * time: µs×1000 against the rule's nanoseconds for durations (exact), and µs for timestamps (µs×1000 against ns only
 * when a bound has sub-microsecond digits). `now` is protovalidate's: `Date.now()`, in µs.
 * Messages print the rule values as CEL's `format` does (`1.500s`, `1970-01-01T00:00:16Z`), computed with
 * `@bufbuild/cel` here, at generation time.
 */
import { run } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { Message } from "@bufbuild/protobuf";
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Check, CheckContext, Code } from "./checks.js";

const lit = (s: string): string => JSON.stringify(s);
const r = (name: string) => ({ runtime: name });

function check(violated: Code | string, rule: string, id: string, message: string): Check {
  return { violated: typeof violated === "string" ? [violated] : violated, rule, id, message: [lit(message)] };
}

/** How CEL's `'%s'.format([v])` prints a Duration, a Timestamp, or a list of them. */
function celText(value: Message | readonly Message[]): string {
  const out = run("'%s'.format([v])", { v: value as never }, { funcs: strings });
  if (typeof out !== "string") throw new Error(`cannot print ${String(value)}: ${String(out)}`);
  return out;
}

const nanosOf = (v: Duration | Timestamp): bigint => v.seconds * 1_000_000_000n + BigInt(v.nanos);

type Bound = "gt" | "gte" | "lt" | "lte";
const OP = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
const WORDS = { gt: "greater than", gte: "greater than or equal to", lt: "less than", lte: "less than or equal to" };

/**
 * The checks of `duration` or `timestamp` rules on the value `x`. `set` holds the set rule fields by proto name
 * (`example` removed); `rule` makes a rule path.
 */
export function temporalChecks(
  kind: "duration" | "timestamp",
  set: Map<string, unknown>,
  x: string,
  rule: (name: string) => string,
  ctx: CheckContext,
): Check[] {
  // The value in the unit a bound needs: µs×1000 = ns (durations); µs, or µs×1000 = ns (timestamps).
  const exactUs = [...set.values()].every((v) => !isTemporal(v) || v.nanos % 1000 === 0);
  const value: Code =
    kind === "duration"
      ? [`${x} * 1000n`]
      : exactUs
        ? [r("epochMicrosOf"), `(${x})`]
        : ["(", r("epochMicrosOf"), `(${x}) * 1000n)`];
  const literal = (v: Duration | Timestamp): string => {
    const ns = nanosOf(v);
    return kind === "timestamp" && exactUs ? `${ns / 1000n}n` : `${ns}n`;
  };
  const out: Check[] = [];
  const c = set.get("const") as Duration | Timestamp | undefined;
  if (c !== undefined) {
    out.push(check([...value, ` !== ${literal(c)}`], rule("const"), `${kind}.const`, `must equal ${celText(c)}`));
  }
  const lo: Bound | undefined = set.has("gt") ? "gt" : set.has("gte") ? "gte" : undefined;
  const hi: Bound | undefined = set.has("lt") ? "lt" : set.has("lte") ? "lte" : undefined;
  if (lo !== undefined && hi !== undefined) {
    const l = set.get(lo) as Duration | Timestamp;
    const h = set.get(hi) as Duration | Timestamp;
    const normal = nanosOf(h) >= nanosOf(l);
    if (normal && nanosOf(h) === nanosOf(l) && (lo === "gt" || hi === "lt")) {
      ctx.report(`${kind}.${lo} and ${kind}.${hi} leave no valid value`);
    }
    const inLo = [...value, ` ${OP[lo]} ${literal(l)}`];
    const inHi = [...value, ` ${OP[hi]} ${literal(h)}`];
    out.push(
      check(
        ["!(", ...inLo, normal ? " && " : " || ", ...inHi, ")"],
        rule(lo),
        `${kind}.${lo}_${hi}${normal ? "" : "_exclusive"}`,
        `must be ${WORDS[lo]} ${celText(l)} ${normal ? "and" : "or"} ${WORDS[hi]} ${celText(h)}`,
      ),
    );
  } else {
    for (const bound of [lo, hi]) {
      if (bound === undefined) continue;
      const v = set.get(bound) as Duration | Timestamp;
      out.push(
        check(
          ["!(", ...value, ` ${OP[bound]} ${literal(v)})`],
          rule(bound),
          `${kind}.${bound}`,
          `must be ${WORDS[bound]} ${celText(v)}`,
        ),
      );
    }
  }
  for (const name of ["in", "not_in"] as const) {
    const list = set.get(name) as Duration[] | undefined;
    if (list === undefined || list.length === 0) continue;
    out.push(
      check(
        [`${name === "in" ? "!" : ""}[${list.map(literal).join(", ")}].includes(`, ...value, ")"],
        rule(name),
        `${kind}.${name}`,
        `must ${name === "in" ? "" : "not "}be in list ${celText(list)}`,
      ),
    );
  }
  if (set.get("lt_now") === true) {
    const now = [r("epochMicrosOf"), `(${x}) > `, r("nowMicros"), "()"];
    out.push(check(now, rule("lt_now"), "timestamp.lt_now", "must be less than now"));
  }
  if (set.get("gt_now") === true) {
    const now = [r("epochMicrosOf"), `(${x}) < `, r("nowMicros"), "()"];
    out.push(check(now, rule("gt_now"), "timestamp.gt_now", "must be greater than now"));
  }
  const within = set.get("within") as Duration | undefined;
  if (within !== undefined) {
    const ns = nanosOf(within);
    if (ns < 0n) ctx.report("timestamp.within must not be negative");
    out.push(
      check(
        ns % 1000n === 0n
          ? [r("microsFromNow"), `(${x}) > ${ns / 1000n}n`]
          : [r("microsFromNow"), `(${x}) * 1000n > ${ns}n`],
        rule("within"),
        "timestamp.within",
        `must be within ${celText(within)} of now`,
      ),
    );
  }
  return out;
}

function isTemporal(v: unknown): v is Duration | Timestamp {
  return typeof v === "object" && v !== null && "seconds" in v && "nanos" in v;
}

/** `any.in` / `any.not_in`: the value is the Any's proto3 JSON, whose `@type` is the type URL. */
export function anyChecks(set: Map<string, unknown>, x: string, rule: (name: string) => string): Check[] {
  const out: Check[] = [];
  const url = ["(", r("anyTypeUrl"), `(${x}))`];
  for (const [name, not, message] of [
    ["in", "!", "type URL must be in the allow list"],
    ["not_in", "", "type URL must not be in the block list"],
  ] as const) {
    const list = set.get(name) as string[] | undefined;
    if (list === undefined || list.length === 0) continue;
    out.push(check([`${not}[${list.map(lit).join(", ")}].includes`, ...url], rule(name), `any.${name}`, message));
  }
  return out;
}
