/**
 * Bearer tokens for Spark Connect. A provider returns a token and, optionally, when it expires; `CachedToken`
 * calls it once and again shortly before expiry (and never twice at once), so OAuth machine-to-machine tokens are
 * refreshed without failing a call.
 */
import { AuthError, isLakehouseError } from "../errors.js";
import { Secret } from "../secret.js";

export interface IssuedToken {
  token: string;
  /** When the token stops being valid; undefined for tokens that do not expire. */
  expiresAt?: Date | undefined;
}

export type TokenProvider = (signal?: AbortSignal) => Promise<IssuedToken>;

/** Refresh this long before the expiry a provider reported. */
const REFRESH_MARGIN_MS = 60_000;

export class CachedToken {
  #current: { token: Secret; expiresAt: number } | undefined;
  #pending: Promise<Secret> | undefined;
  readonly #provider: TokenProvider;
  readonly #now: () => number;

  constructor(provider: TokenProvider, now: () => number = Date.now) {
    this.#provider = provider;
    this.#now = now;
  }

  /** Every token this cache has handed out, so messages can be scrubbed of them. */
  get current(): Secret | undefined {
    return this.#current?.token;
  }

  async get(): Promise<Secret> {
    const current = this.#current;
    if (current && current.expiresAt - REFRESH_MARGIN_MS > this.#now()) return current.token;
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #refresh(): Promise<Secret> {
    let issued: IssuedToken;
    try {
      issued = await this.#provider();
    } catch (error) {
      if (isLakehouseError(error)) throw error;
      throw new AuthError(`the token provider failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof issued?.token !== "string" || issued.token === "") {
      throw new AuthError("the token provider returned no token");
    }
    const token = new Secret(issued.token);
    this.#current = { token, expiresAt: issued.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY };
    return token;
  }
}

export function staticToken(token: Secret): TokenProvider {
  return async () => ({ token: token.reveal() });
}
