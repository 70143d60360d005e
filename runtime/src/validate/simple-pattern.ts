/**
 * Contract patterns are RE2: linear-time, so no contract can make validation hang (ReDoS). RE2 in JavaScript
 * (`@bufbuild/re2`) is a DFA written in JS, several times slower than V8's own engine on the short, anchored patterns
 * contracts mostly have (`^[A-Z]{2}$`, `^[A-Z0-9]{8,16}$`). This recognizes a subset of patterns that V8's
 * backtracking engine runs in linear time AND matches exactly as RE2 does, and compiles those to a `RegExp`:
 *
 * - anchored at the start (`^`), optionally at the end (`$`): no scan over start positions;
 * - no groups, alternation or `.`: a sequence of atoms, each a literal, an escaped metacharacter, `\d` or a bracket
 *   class of ASCII characters and ranges (negation allowed);
 * - at most one atom with a variable count (`*`, `+`, `?`, `{n,}`, `{n,m}`), no lazy quantifiers: backtracking then
 *   only moves that one atom's end, so a match costs O(length × pattern).
 *
 * Within it the two engines agree: `^`/`$` without flags mean start/end of text in both, `\d` is [0-9] in both, and
 * with the `u` flag classes match code points, as RE2 matches runes. Anything else stays on RE2.
 */

const LITERAL = /[A-Za-z0-9 _\-:@,;'"/=<>!%&~#]/;
/** Metacharacters that may be escaped outside a class (the `u` flag rejects other identity escapes). */
const ESCAPABLE = new Set([..."\\.+*?()[]{}|/^$"]);
/** Characters allowed unescaped inside a class (`-` only last; ranges only between ASCII letters or digits). */
const CLASS_LITERAL = /[A-Za-z0-9 _:@,;'"/=<>!%&~#.+*?(){}|$]/;
const CLASS_ESCAPABLE = new Set([..."\\.-[]^"]);
const ALNUM = /[A-Za-z0-9]/;

/** A `RegExp` that matches exactly as RE2 does and runs in linear time, or undefined outside the subset. */
export function linearRegExp(pattern: string): RegExp | undefined {
  if (!pattern.startsWith("^")) return undefined;
  let i = 1;
  let variable = 0;
  const end = pattern.endsWith("$") && !pattern.endsWith("\\$") ? pattern.length - 1 : pattern.length;
  while (i < end) {
    const atomEnd = atom(pattern, i, end);
    if (atomEnd === undefined) return undefined;
    i = atomEnd;
    const q = quantifier(pattern, i, end);
    if (q === undefined) return undefined;
    if (q.variable) variable++;
    i = q.end;
  }
  if (variable > 1) return undefined;
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

/** The end of the atom at `i`, or undefined when it is outside the subset. */
function atom(p: string, i: number, end: number): number | undefined {
  const c = p[i] as string;
  if (c === "\\") {
    const next = p[i + 1];
    return next !== undefined && i + 1 < end && (next === "d" || ESCAPABLE.has(next)) ? i + 2 : undefined;
  }
  if (c === "[") return bracket(p, i, end);
  return LITERAL.test(c) ? i + 1 : undefined;
}

function bracket(p: string, start: number, end: number): number | undefined {
  let i = start + 1;
  if (p[i] === "^") i++;
  let items = 0;
  while (i < end && p[i] !== "]") {
    const c = p[i] as string;
    if (c === "\\") {
      const next = p[i + 1];
      if (next === undefined || !(next === "d" || CLASS_ESCAPABLE.has(next))) return undefined;
      i += 2;
    } else if (c === "-") {
      if (p[i + 1] !== "]") return undefined; // a literal `-` only last
      i++;
    } else if (ALNUM.test(c) && p[i + 1] === "-" && p[i + 2] !== "]" && p[i + 2] !== undefined) {
      const hi = p[i + 2] as string;
      if (!ALNUM.test(hi) || hi < c) return undefined;
      i += 3;
    } else if (CLASS_LITERAL.test(c)) {
      i++;
    } else {
      return undefined;
    }
    items++;
  }
  return i < end && items > 0 ? i + 1 : undefined;
}

/** The quantifier at `i` (none is a fixed count of one). */
function quantifier(p: string, i: number, end: number): { end: number; variable: boolean } | undefined {
  const c = p[i];
  if (i >= end || (c !== "*" && c !== "+" && c !== "?" && c !== "{")) return { end: i, variable: false };
  let next = i + 1;
  let variable = true;
  if (c === "{") {
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(p.slice(i, end));
    if (m === null) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (hi < lo || lo > 1000 || (Number.isFinite(hi) && hi > 1000)) return undefined;
    variable = hi !== lo;
    next = i + m[0].length;
  }
  // A lazy (`*?`) or stacked quantifier is outside the subset.
  const after = p[next];
  if (next < end && (after === "?" || after === "*" || after === "+" || after === "{")) return undefined;
  return { end: next, variable };
}
