/**
 * A credential that cannot leak by accident: `String()`, `JSON.stringify`, template literals and `util.inspect` all
 * print `[redacted]`. Read the value only where it is sent, with `reveal()`.
 */
import { inspect } from "node:util";

const REDACTED = "[redacted]";

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Replace every occurrence of each secret in `text` (for messages that may quote a server's or a library's words),
 * in each of the forms it may be quoted in: as it is, JSON- or string-escaped (`"` as `\"`, a newline as `\n`,
 * non-ASCII as `\u00e9`), URL-encoded, and trimmed of surrounding whitespace.
 */
export function redact(text: string, secrets: Iterable<Secret | undefined>): string {
  let out = text;
  for (const form of formsOf(secrets)) out = out.split(form).join(REDACTED);
  return out;
}

/** Whether `text` quotes any of the secrets, in any form `redact` replaces. */
export function mentionsSecret(text: string, secrets: Iterable<Secret | undefined>): boolean {
  return formsOf(secrets).some((form) => text.includes(form));
}

/**
 * The ways a library or a server may write `value` into a message, longest first so that a longer form is replaced
 * before a shorter one inside it.
 */
export function secretForms(value: string): string[] {
  if (value === "") return [];
  const json = JSON.stringify(value).slice(1, -1);
  // JSON written ASCII-only (Python's json.dumps, Jackson's ESCAPE_NON_ASCII), in either case of hex digit.
  const asciiJson = json.replace(/[^\x20-\x7e]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const url = encodeURIComponent(value);
  const forms = new Set([
    value,
    value.trim(),
    json,
    // A JSON string quoted inside another one (an error body inside a message).
    JSON.stringify(json).slice(1, -1),
    asciiJson,
    asciiJson.replace(/\\u[0-9a-f]{4}/g, (code) => `\\u${code.slice(2).toUpperCase()}`),
    // util.inspect's quoting, which escapes ' rather than ".
    inspect(value).slice(1, -1),
    url,
    url.replace(/%[0-9A-F]{2}/g, (code) => code.toLowerCase()),
    // application/x-www-form-urlencoded
    url.replace(/%20/g, "+"),
    encodeURI(value),
  ]);
  forms.delete("");
  return [...forms].sort((a, b) => b.length - a.length);
}

function formsOf(secrets: Iterable<Secret | undefined>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of secretForms(secret?.reveal() ?? "")) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}
