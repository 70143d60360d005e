/**
 * Object and array literals printed already formatted: on one line when they fit in the line width, else one
 * entry a line, the way biome/prettier would lay them out. Keeps generated descriptors readable and the output
 * deterministic without running a formatter inside the (I/O-free) plugin.
 */
import type { ImportSymbol, Printable } from "@bufbuild/protoplugin";

/** The line width of generated code (the repository's biome lineWidth). */
export const LINE_WIDTH = 120;

/** Code fragments: strings printed verbatim and import symbols (printed as their name). */
export type Code = readonly (string | ImportSymbol)[];

export type Literal =
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, Literal])[] }
  | { readonly kind: "array"; readonly items: readonly Literal[] }
  | { readonly kind: "code"; readonly code: Code };

export function code(...parts: (string | ImportSymbol)[]): Literal {
  return { kind: "code", code: parts };
}

/** A string literal (JSON's escaping is valid TypeScript). */
export function str(value: string): Literal {
  return code(JSON.stringify(value));
}

/** An object literal; entries whose value is undefined are left out (optional properties stay absent). */
export function obj(entries: Readonly<Record<string, Literal | undefined>>): Literal {
  return {
    kind: "object",
    entries: Object.entries(entries).filter((entry): entry is [string, Literal] => entry[1] !== undefined),
  };
}

export function arr(items: readonly Literal[]): Literal {
  return { kind: "array", items };
}

/**
 * Prints `literal` starting at column `start` of a line indented by `indent` spaces, leaving room for `trailing`
 * characters after it (a comma, a semicolon).
 */
export function render(literal: Literal, indent: number, start: number, trailing: number): Printable[] {
  const flat = flatten(literal);
  if (literal.kind === "code" || start + width(flat) + trailing <= LINE_WIDTH) return flat;
  const inner = " ".repeat(indent + 2);
  const out: Printable[] = [];
  if (literal.kind === "object") {
    out.push("{\n");
    for (const [key, value] of literal.entries) {
      out.push(inner, key, ": ", ...render(value, indent + 2, indent + 2 + key.length + 2, 1), ",\n");
    }
    out.push(" ".repeat(indent), "}");
  } else {
    out.push("[\n");
    for (const item of literal.items) {
      out.push(inner, ...render(item, indent + 2, indent + 2, 1), ",\n");
    }
    out.push(" ".repeat(indent), "]");
  }
  return out;
}

function flatten(literal: Literal): (string | ImportSymbol)[] {
  switch (literal.kind) {
    case "code":
      return [...literal.code];
    case "array":
      return ["[", ...join(literal.items.map(flatten)), "]"];
    case "object":
      return literal.entries.length === 0
        ? ["{}"]
        : ["{ ", ...join(literal.entries.map(([key, value]) => [key, ": ", ...flatten(value)])), " }"];
  }
}

function join(parts: (string | ImportSymbol)[][]): (string | ImportSymbol)[] {
  return parts.flatMap((part, i) => (i === 0 ? part : [", ", ...part]));
}

function width(parts: readonly (string | ImportSymbol)[]): number {
  return parts.reduce((sum, part) => sum + (typeof part === "string" ? part.length : part.name.length), 0);
}
