/**
 * Where text stops being JSON, and why, in words of our own: V8's messages differ between Node versions, some have
 * no position, and some quote the input (which may hold a sensitive value). Only called after `JSON.parse` failed.
 */

export interface JsonProblem {
  /** Index of the first character that is wrong (the length of the text when it ends too early). */
  readonly index: number;
  readonly message: string;
}

/** The first problem of `text` as JSON (`undefined` if it is JSON after all). */
export function jsonProblem(text: string): JsonProblem | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.space();
    if (scanner.i >= text.length) return { index: scanner.i, message: "no JSON value (the text is empty)" };
    scanner.value(0);
    scanner.space();
    if (scanner.i < text.length)
      return { index: scanner.i, message: `unexpected ${describe(text, scanner.i)} after the JSON value` };
    return undefined;
  } catch (error) {
    if (error instanceof Problem) return { index: error.index, message: error.message };
    throw error;
  }
}

/** `line L, column C` (1-based) of an index of `text`. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: index - start + 1 };
}

/** `"x"` for a printable character, `byte 0x1f` / `U+FFFD` for the others: never the raw character. */
export function describe(text: string, index: number): string {
  const code = text.codePointAt(index);
  if (code === undefined) return "end of the text";
  if (code < 0x20 || code === 0x7f) return `control character 0x${code.toString(16).padStart(2, "0")}`;
  if (code === 0xfffd) return "byte that is not UTF-8 text";
  if (code > 0x7e && !/\p{L}|\p{N}|\p{P}|\p{S}/u.test(String.fromCodePoint(code))) {
    return `character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return `"${String.fromCodePoint(code)}"`;
}

class Problem extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 512;

class Scanner {
  i = 0;
  constructor(private readonly text: string) {}

  fail(message: string, index = this.i): never {
    throw new Problem(index, index >= this.text.length ? `unexpected end of the text (${message})` : message);
  }

  unexpected(expected: string): never {
    if (this.i >= this.text.length) this.fail(`expected ${expected}`);
    this.fail(`unexpected ${describe(this.text, this.i)}, expected ${expected}`);
  }

  space(): void {
    while (this.i < this.text.length && " \t\n\r".includes(this.text[this.i] as string)) this.i++;
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail("nested too deeply");
    const c = this.text[this.i];
    if (c === "{") this.object(depth);
    else if (c === "[") this.array(depth);
    else if (c === '"') this.string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.number();
    else if (this.text.startsWith("true", this.i)) this.i += 4;
    else if (this.text.startsWith("false", this.i)) this.i += 5;
    else if (this.text.startsWith("null", this.i)) this.i += 4;
    else this.unexpected("a JSON value");
  }

  object(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === "}") {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.unexpected("a property name in double quotes");
      this.string();
      this.space();
      if (this.text[this.i] !== ":") this.unexpected('":"');
      this.i++;
      this.space();
      this.value(depth + 1);
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === "}") return;
      if (c !== ",") {
        this.i--;
        this.unexpected('"," or "}"');
      }
    }
  }

  array(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      this.value(depth + 1);
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === "]") return;
      if (c !== ",") {
        this.i--;
        this.unexpected('"," or "]"');
      }
    }
  }

  string(): void {
    this.i++;
    while (this.i < this.text.length) {
      const c = this.text.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c < 0x20) this.fail(`${describe(this.text, this.i)} inside a string`);
      if (c === 0x5c) {
        const e = this.text[this.i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) this.fail("bad \\u escape");
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail("bad escape in a string", this.i + 1);
        this.i += 2;
        continue;
      }
      this.i++;
    }
    this.fail("a string is not closed");
  }

  number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!match || match[0] === "-") this.unexpected("a number");
    this.i += match[0].length;
  }
}
