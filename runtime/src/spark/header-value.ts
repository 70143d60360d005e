/**
 * What a gRPC header can carry, checked before grpc-js sees a value. grpc-js's `Metadata.set` refuses anything else
 * with an Error that quotes the whole value — `Metadata string value "Bearer <token>" contains illegal characters`
 * (@grpc/grpc-js `src/metadata.ts`, `validate`) — so a token with a stray newline would be printed in full.
 *
 * The rules are grpc-js's own, which follow the gRPC spec (grpc/grpc `doc/PROTOCOL-HTTP2.md`):
 * - a non-binary value matches `LEGAL_NON_BINARY_VALUE_REGEX = /^[ -~]*$/`: space and printable ASCII
 *   (the spec's `ASCII-Value → 1*( %x20-%x7E )`; grpc-js also lets a value be empty);
 * - a key, lower-cased first (`normalizeKey`), matches `LEGAL_KEY_REGEX = /^[:0-9a-z_.-]+$/`. The spec's
 *   `Header-Name → 1*( %x30-39 / %x61-7A / "_" / "-" / ".")` has no `:`; grpc-js drops `:`-keys when it builds
 *   the HTTP/2 headers (`toHttp2Headers`) and Node's http2 refuses a `:` inside a name, so custom keys here don't
 *   allow it either. Keys ending in `-bin` carry binary values, `grpc-` keys are reserved by the spec.
 *
 * Messages say which kind of character is wrong and where, never the text: a value may be a token.
 */
import { InvalidArgumentError, type LakehouseError } from "../errors.js";

/** The first character a rule refuses, described without quoting the text it is in. */
export interface CharacterIssue {
  /** 1-based, counted in characters (code points), as a person counts them. */
  position: number;
  /** The whole text's length in characters. */
  length: number;
  /** What kind of character it is, e.g. `a line feed (U+000A)` or `a non-ASCII character`. */
  kind: string;
  /** The character and all after it are line breaks: the text ends in a newline, as text read from a file does. */
  trailingNewline: boolean;
}

/** gRPC's rule for a non-binary metadata value (grpc-js `isLegalNonBinaryValue`). */
export function isHeaderValueCharacter(codePoint: number): boolean {
  return codePoint >= 0x20 && codePoint <= 0x7e;
}

/** gRPC's rule for a (lower-cased) custom metadata key: `0-9 a-z _ - .`. */
export function isHeaderKeyCharacter(codePoint: number): boolean {
  return (
    (codePoint >= 0x30 && codePoint <= 0x39) ||
    (codePoint >= 0x61 && codePoint <= 0x7a) ||
    codePoint === 0x5f ||
    codePoint === 0x2d ||
    codePoint === 0x2e
  );
}

/** The first character of `text` that `allowed` refuses, or undefined when every character is allowed. */
export function findCharacter(text: string, allowed: (codePoint: number) => boolean): CharacterIssue | undefined {
  const characters = [...text];
  const index = characters.findIndex((c) => !allowed(c.codePointAt(0) ?? 0));
  if (index < 0) return undefined;
  return {
    position: index + 1,
    length: characters.length,
    kind: characterKind(characters[index] ?? ""),
    trailingNewline: characters.slice(index).every((c) => c === "\n" || c === "\r"),
  };
}

/** E.g. `a line feed (U+000A) at position 41 of 41 — a trailing newline from a file or an environment variable?` */
export function describeIssue(issue: CharacterIssue): string {
  const at = `${issue.kind} at position ${issue.position} of ${issue.length}`;
  return issue.trailingNewline ? `${at} — a trailing newline from a file or an environment variable?` : at;
}

/**
 * Throws `makeError(message)` when `value` cannot be a gRPC metadata value. `what` names the value in the message,
 * e.g. `the token from the token provider`; the value itself is never part of it.
 */
export function checkHeaderValue(
  value: string,
  what: string,
  makeError: (message: string) => LakehouseError = (message) => new InvalidArgumentError(message),
): void {
  const issue = findCharacter(value, isHeaderValueCharacter);
  if (issue) throw makeError(`${what} has a character a gRPC header cannot carry: ${describeIssue(issue)}`);
}

/**
 * Why `key` cannot name a custom (text) gRPC metadata entry, or undefined when it can. Upper-case letters are
 * allowed: grpc-js lower-cases keys. The answer never quotes the key.
 */
export function headerKeyProblem(key: string): string | undefined {
  if (key === "") return "the key is empty";
  const name = key.toLowerCase();
  const issue = findCharacter(name, isHeaderKeyCharacter);
  if (issue) return `the key has a character a gRPC header name cannot have: ${describeIssue(issue)}`;
  if (name.endsWith("-bin")) return 'a key ending in "-bin" carries binary values, and these values are text';
  if (name.startsWith("grpc-")) return 'keys starting with "grpc-" are reserved by gRPC';
  // Only names from these fixed lists are quoted: they cannot be anyone's secret.
  if (SET_BY_GRPC.has(name)) return `gRPC sets the "${name}" header itself`;
  if (CONNECTION_SPECIFIC.has(name)) return `HTTP/2 forbids the HTTP/1 connection header "${name}"`;
  return undefined;
}

/** Throws `makeError(message)` when `key` cannot name a custom gRPC metadata entry; `what` names the key. */
export function checkHeaderKey(
  key: string,
  what: string,
  makeError: (message: string) => LakehouseError = (message) => new InvalidArgumentError(message),
): void {
  const problem = headerKeyProblem(key);
  if (problem) throw makeError(`${what} cannot be sent as gRPC metadata: ${problem}`);
}

// grpc-js overwrites these when it starts a call (transport.ts `createCall`), so a value given for them is lost.
const SET_BY_GRPC = new Set(["content-type", "te", "user-agent"]);
// Node's http2 throws ERR_HTTP2_INVALID_CONNECTION_HEADERS for these (RFC 9113 §8.2.2).
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "http2-settings",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);

const NAMED_CHARACTERS = new Map<number, string>([
  [0x0000, "a NUL character"],
  [0x0009, "a tab"],
  [0x000a, "a line feed"],
  [0x000b, "a vertical tab"],
  [0x000c, "a form feed"],
  [0x000d, "a carriage return"],
  [0x001b, "an escape character"],
  [0x007f, "a delete character"],
  [0x0085, "a next-line character"],
  [0x00a0, "a no-break space"],
  [0x200b, "a zero-width space"],
  [0x2028, "a line separator"],
  [0x2029, "a paragraph separator"],
  [0xfeff, "a byte-order mark"],
]);

/**
 * The kind of one character, detailed enough to act on but revealing next to nothing of a secret: control and
 * invisible characters (the usual strays from files, terminals and copy-paste) are named with their code point, which
 * no real token contains; any other character is named only by its class.
 */
function characterKind(character: string): string {
  const cp = character.codePointAt(0) ?? 0;
  const named = NAMED_CHARACTERS.get(cp);
  if (named) return `${named} (${codePoint(cp)})`;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return `a control character (${codePoint(cp)})`;
  if (cp === 0x20) return "a space";
  if (cp >= 0xd800 && cp <= 0xdfff) return "half of a broken surrogate pair";
  if (/[\p{White_Space}\p{Cf}]/u.test(character)) return `an invisible character (${codePoint(cp)})`;
  if (cp > 0x7f) return "a non-ASCII character";
  if (/[A-Z]/.test(character)) return "an upper-case letter";
  if (/[a-z]/.test(character)) return "a letter";
  if (/[0-9]/.test(character)) return "a digit";
  return "a punctuation character";
}

function codePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}
