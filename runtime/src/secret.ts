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

/** Replace every occurrence of each secret in `text` (for messages that may quote a server's or a library's words). */
export function redact(text: string, secrets: Iterable<Secret | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    const value = secret?.reveal();
    if (value) out = out.split(value).join(REDACTED);
  }
  return out;
}
