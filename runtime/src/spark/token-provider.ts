/**
 * Bearer tokens for Spark Connect. A provider returns a token and, optionally, when it expires; `CachedToken`
 * calls it once and again shortly before expiry (and never twice at once), so OAuth machine-to-machine tokens are
 * refreshed without failing a call.
 *
 * A refresh is shared by every caller waiting for it, so it has its own AbortSignal, which is what the provider gets:
 * it aborts when the refresh takes longer than `refreshTimeoutMs` or when every caller waiting has given up (their
 * own signals aborted). A caller whose signal aborts is released at once, even from a provider that ignores signals;
 * a refresh given up on is dropped, so the next `get` starts a new one instead of waiting on a promise that may never
 * settle.
 *
 * Tokens are checked to be something gRPC can send as a header, and no message of this module quotes a token.
 */
import {
  AuthError,
  abortError,
  CancelledError,
  InvalidArgumentError,
  isLakehouseError,
  type LakehouseError,
} from "../errors.js";
import { mentionsSecret, redact, Secret } from "../secret.js";
import { checkHeaderValue } from "./header-value.js";

export interface IssuedToken {
  token: string;
  /** When the token stops being valid; undefined for tokens that do not expire. */
  expiresAt?: Date | undefined;
}

export type TokenProvider = (signal?: AbortSignal) => Promise<IssuedToken>;

export interface CachedTokenOptions {
  /** The clock, in milliseconds since the epoch (tests move it). Default `Date.now`. */
  now?: (() => number) | undefined;
  /**
   * How long one provider call may take, in milliseconds, before the refresh fails with an `AuthError` and its
   * signal aborts. Default 30 000 (an identity provider that has not answered in 30 s is down, and a call should not
   * wait longer than that for a token); `Infinity` waits for ever.
   */
  refreshTimeoutMs?: number | undefined;
}

/** Refresh this long before the expiry a provider reported. */
const REFRESH_MARGIN_MS = 60_000;
export const DEFAULT_REFRESH_TIMEOUT_MS = 30_000;
/** Tokens remembered for scrubbing messages, beyond which the oldest are forgotten (they have long expired). */
const REMEMBERED_TOKENS = 8;
/** setTimeout's limit; a longer delay would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Refresh {
  readonly promise: Promise<Secret>;
  readonly controller: AbortController;
  waiters: number;
}

export class CachedToken {
  #current: { token: Secret; expiresAt: number } | undefined;
  #pending: Refresh | undefined;
  readonly #seen: Secret[] = [];
  readonly #provider: TokenProvider;
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(provider: TokenProvider, options: CachedTokenOptions = {}) {
    const timeoutMs = options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new InvalidArgumentError("refreshTimeoutMs must be a positive number of milliseconds");
    this.#provider = provider;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = timeoutMs;
  }

  /** The token handed out last. */
  get current(): Secret | undefined {
    return this.#current?.token;
  }

  /**
   * Every token the provider has returned (the last 8), handed out or refused, newest last: a message about a call
   * made with an earlier token, or quoting a refused one, is scrubbed of them too.
   */
  get secrets(): readonly Secret[] {
    return [...this.#seen];
  }

  /**
   * A valid token: the cached one, or a fresh one from the provider (joining a refresh already under way).
   * Rejects with `CancelledError` as soon as `signal` aborts, and with `AuthError` when the provider fails, times
   * out or returns something that is not a usable token.
   */
  async get(signal?: AbortSignal): Promise<Secret> {
    if (signal?.aborted) throw cancelled(signal);
    const current = this.#current;
    if (current && current.expiresAt - REFRESH_MARGIN_MS > this.#now()) return current.token;
    const refresh = this.#pending ?? this.#startRefresh();
    refresh.waiters++;
    try {
      return await untilAborted(refresh.promise, signal, cancelled);
    } finally {
      refresh.waiters--;
      // Nobody wants this refresh any more: tell the provider, and let the next caller start afresh.
      if (refresh.waiters === 0 && this.#pending === refresh) this.#abandon(refresh);
    }
  }

  #startRefresh(): Refresh {
    const controller = new AbortController();
    const timer =
      this.#timeoutMs <= MAX_TIMER_MS
        ? setTimeout(() => {
            controller.abort(new AuthError(`the token provider did not answer within ${this.#timeoutMs / 1000} s`));
            if (this.#pending === refresh) this.#pending = undefined;
          }, this.#timeoutMs)
        : undefined;
    // A refresh nobody waits for must not keep the process alive.
    timer?.unref();
    const promise = this.#refresh(controller.signal).finally(() => {
      clearTimeout(timer);
      if (this.#pending === refresh) this.#pending = undefined;
    });
    // Every waiter may have left; the rejection is theirs, not an unhandled one.
    promise.catch(() => {});
    const refresh: Refresh = { promise, controller, waiters: 0 };
    this.#pending = refresh;
    return refresh;
  }

  #abandon(refresh: Refresh): void {
    this.#pending = undefined;
    refresh.controller.abort(new CancelledError("every caller waiting for the token gave up"));
  }

  async #refresh(signal: AbortSignal): Promise<Secret> {
    let issued: IssuedToken;
    try {
      const call = new Promise<IssuedToken>((resolve) => resolve(this.#provider(signal)));
      issued = await untilAborted(call, signal, refreshAborted);
    } catch (error) {
      // The timeout's or the abandonment's own error, whatever the provider made of the abort.
      if (signal.aborted) throw refreshAborted(signal);
      throw this.#providerFailure(error);
    }
    if (signal.aborted) throw refreshAborted(signal);
    if (typeof issued?.token !== "string" || issued.token === "") {
      throw new AuthError("the token provider returned no token");
    }
    const token = new Secret(issued.token);
    this.#remember(token);
    checkHeaderValue(issued.token, "the token from the token provider", (message) => new AuthError(message));
    this.#current = { token, expiresAt: issued.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY };
    return token;
  }

  /**
   * The provider's own error when it is one of the runtime's and quotes no token (e.g. the Databricks provider's
   * AuthError), so its class survives; anything else as an AuthError with the provider's message scrubbed of every
   * token seen. The original is not kept as `cause`: its message, stack and causes may quote a token.
   */
  #providerFailure(error: unknown): LakehouseError {
    if (isLakehouseError(error) && !quotesSecret(error, this.#seen)) return error;
    return new AuthError(`the token provider failed: ${redact(describeThrown(error), this.#seen)}`);
  }

  #remember(token: Secret): void {
    if (this.#seen.some((seen) => seen.reveal() === token.reveal())) return;
    this.#seen.push(token);
    if (this.#seen.length > REMEMBERED_TOKENS) this.#seen.shift();
  }
}

export function staticToken(token: Secret): TokenProvider {
  return async () => ({ token: token.reveal() });
}

/**
 * `promise`, or `toError(signal)` as soon as `signal` aborts, whichever comes first; the listener does not outlive
 * it. A promise that never settles is thereby left behind, not waited on.
 */
function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  toError: (signal: AbortSignal) => LakehouseError,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(toError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A caller's signal aborted (or timed out). */
function cancelled(signal: AbortSignal): CancelledError {
  return abortError(signal);
}

/** A refresh's own signal aborted: its reason is the error to report (a timeout, or every caller gone). */
function refreshAborted(signal: AbortSignal): LakehouseError {
  return isLakehouseError(signal.reason) ? signal.reason : new AuthError("the token refresh was aborted");
}

/** `TypeError: fetch failed (ECONNREFUSED)`: the name, message and, from its cause, a system error code. */
function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === "string" ? error : `a thrown ${typeof error}`;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  const suffix = typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code) ? ` (${code})` : "";
  return `${error.name}: ${error.message}${suffix}`;
}

/** Whether an error's message, stack or causes quote one of `secrets`. */
function quotesSecret(error: LakehouseError, secrets: readonly Secret[]): boolean {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const text = current instanceof Error ? `${current.message}\n${current.stack ?? ""}` : String(current);
    if (mentionsSecret(text, secrets)) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}
