import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import {
  AuthError,
  CachedToken,
  CancelledError,
  databricksClientCredentials,
  databricksRemote,
  InvalidArgumentError,
  parseConnectionString,
} from "../../runtime/src/index.js";

describe("CachedToken", () => {
  test("asks the provider once, again a minute before expiry, never twice at once", async () => {
    let now = 1_000_000;
    let calls = 0;
    const cache = new CachedToken(
      async () => {
        calls++;
        return { token: `t${calls}`, expiresAt: new Date(now + 5 * 60_000) };
      },
      { now: () => now },
    );
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect([a.reveal(), b.reveal(), calls]).toEqual(["t1", "t1", 1]);
    now += 3 * 60_000;
    expect((await cache.get()).reveal()).toBe("t1");
    now += 61_000; // inside the last minute
    expect((await cache.get()).reveal()).toBe("t2");
    expect(calls).toBe(2);
  });

  test("a failing or empty provider is an AuthError", async () => {
    await expect(new CachedToken(async () => Promise.reject(new Error("idp down"))).get()).rejects.toThrow(AuthError);
    await expect(new CachedToken(async () => ({ token: "" })).get()).rejects.toThrow(/no token/);
  });

  test("a provider's failure keeps its words and a system error code, scrubbed of issued tokens, and no cause", async () => {
    let calls = 0;
    const cache = new CachedToken(async () => {
      if (++calls === 1) return { token: "old-token-1", expiresAt: new Date(Date.now() + 1000) };
      throw new TypeError("fetch failed after old-token-1", {
        cause: Object.assign(new Error("x"), { code: "ENOTFOUND" }),
      });
    });
    await cache.get();
    const error = (await cache.get().catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe("the token provider failed: TypeError: fetch failed after [redacted] (ENOTFOUND)");
    expect(error.cause).toBeUndefined();
  });

  test("a provider's own runtime error passes through unless it quotes a token", async () => {
    const clean = new AuthError("Databricks OAuth token request failed with HTTP 401");
    expect(await new CachedToken(async () => Promise.reject(clean)).get().catch((e: unknown) => e)).toBe(clean);
    let calls = 0;
    const cache = new CachedToken(async () => {
      if (++calls === 1) return { token: "tok-abc-123", expiresAt: new Date(Date.now() + 1000) };
      throw new AuthError("refused", { cause: new Error("tok-abc-123 is revoked") });
    });
    await cache.get();
    const error = (await cache.get().catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.cause).toBeUndefined();
    expect(error.message).toBe("the token provider failed: AuthError: refused");
  });

  test("a token gRPC cannot send is refused with where and what, not the token", async () => {
    const error = await new CachedToken(async () => ({ token: "abc\n" })).get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      "the token from the token provider has a character a gRPC header cannot carry: a line feed (U+000A) at position 4 of 4 — a trailing newline from a file or an environment variable?",
    );
  });

  test("current is the last token; secrets keeps the earlier ones (and refused ones) to scrub messages", async () => {
    const now = 0;
    const tokens = ["first", "bad\t", "second"];
    const cache = new CachedToken(async () => ({ token: tokens.shift() ?? "", expiresAt: new Date(now + 1000) }), {
      now: () => now,
    });
    expect(cache.current).toBeUndefined();
    expect((await cache.get()).reveal()).toBe("first");
    await expect(cache.get()).rejects.toThrow(AuthError);
    expect((await cache.get()).reveal()).toBe("second");
    expect(cache.current?.reveal()).toBe("second");
    expect(cache.secrets.map((s) => s.reveal())).toEqual(["first", "bad\t", "second"]);
  });

  test("the provider gets a signal; an abort releases the caller at once, even from a provider that never answers", async () => {
    const signals: (AbortSignal | undefined)[] = [];
    let answer = false;
    const cache = new CachedToken((signal) => {
      signals.push(signal);
      return answer ? Promise.resolve({ token: "late" }) : new Promise<never>(() => {});
    });
    const controller = new AbortController();
    const pending = cache.get(controller.signal);
    controller.abort(new Error("user gave up"));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toEqual(new Error("user gave up"));
    // The abandoned refresh told its provider, and does not block the next caller, who gets a new one.
    expect(signals[0]?.aborted).toBe(true);
    answer = true;
    expect((await cache.get(new AbortController().signal)).reveal()).toBe("late");
    expect(signals).toHaveLength(2);
  });

  test("an already aborted signal does not call the provider", async () => {
    let calls = 0;
    const cache = new CachedToken(async () => {
      calls++;
      return { token: "t" };
    });
    await expect(cache.get(AbortSignal.abort())).rejects.toThrow(CancelledError);
    expect(calls).toBe(0);
  });

  test("one caller giving up does not cancel the refresh another is waiting for", async () => {
    let release: (token: { token: string }) => void = () => {};
    const signals: (AbortSignal | undefined)[] = [];
    const cache = new CachedToken((signal) => {
      signals.push(signal);
      return new Promise((resolve) => {
        release = resolve;
      });
    });
    const quitter = new AbortController();
    const first = cache.get(quitter.signal);
    const second = cache.get();
    quitter.abort();
    await expect(first).rejects.toThrow(CancelledError);
    expect(signals[0]?.aborted).toBe(false);
    // A third caller joins the refresh still under way.
    const third = cache.get(new AbortController().signal);
    release({ token: "shared" });
    expect([(await second).reveal(), (await third).reveal(), signals.length]).toEqual(["shared", "shared", 1]);
  });

  test("a provider that never answers times out with an AuthError, and the next call asks again", async () => {
    const signals: (AbortSignal | undefined)[] = [];
    let answer = false;
    const cache = new CachedToken(
      (signal) => {
        signals.push(signal);
        return answer ? Promise.resolve({ token: "fresh" }) : new Promise<never>(() => {});
      },
      { refreshTimeoutMs: 20 },
    );
    const [a, b] = await Promise.all([cache.get().catch((e: unknown) => e), cache.get().catch((e: unknown) => e)]);
    expect(a).toBeInstanceOf(AuthError);
    expect((a as Error).message).toBe("the token provider did not answer within 0.02 s");
    expect(b).toBe(a);
    expect(signals[0]?.aborted).toBe(true);
    answer = true;
    expect((await cache.get()).reveal()).toBe("fresh");
  });

  test("a provider that answers an abort with its own error still reports the timeout", async () => {
    const cache = new CachedToken(
      (signal) =>
        new Promise((_, reject) => signal?.addEventListener("abort", () => reject(new Error("AbortError: aborted")))),
      { refreshTimeoutMs: 10 },
    );
    await expect(cache.get()).rejects.toThrow(/did not answer within/);
  });

  test("refreshTimeoutMs must be positive; Infinity waits for ever", () => {
    expect(() => new CachedToken(async () => ({ token: "t" }), { refreshTimeoutMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new CachedToken(async () => ({ token: "t" }), { refreshTimeoutMs: Number.NaN })).toThrow(
      InvalidArgumentError,
    );
    expect(
      () => new CachedToken(async () => ({ token: "t" }), { refreshTimeoutMs: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });

  test("a provider that throws synchronously is an AuthError too", async () => {
    const cache = new CachedToken(() => {
      throw new Error("not configured");
    });
    await expect(cache.get()).rejects.toThrow("the token provider failed: Error: not configured");
  });
});

describe("Databricks", () => {
  test("client credentials: basic auth, form body, expiry from expires_in", async () => {
    const requests: { auth: string | undefined; body: string; url: string | undefined }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        requests.push({ auth: req.headers.authorization, body, url: req.url });
        if (body.includes("client_credentials")) {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ access_token: "dapi-abc", expires_in: 3600 }));
        } else {
          res.statusCode = 400;
          res.end("bad");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const provider = databricksClientCredentials({
        host: `http://127.0.0.1:${port}`,
        clientId: "id",
        clientSecret: "secret",
      });
      const before = Date.now();
      const issued = await provider();
      expect(issued.token).toBe("dapi-abc");
      expect(issued.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 3_599_000);
      expect(requests).toEqual([
        {
          auth: `Basic ${Buffer.from("id:secret").toString("base64")}`,
          body: "grant_type=client_credentials&scope=all-apis",
          url: "/oidc/v1/token",
        },
      ]);
    } finally {
      server.close();
    }
  });

  test("a refused token request is an AuthError that reports only the status", async () => {
    const provider = databricksClientCredentials({
      host: "example.invalid",
      clientId: "id",
      clientSecret: "secret-value",
      fetch: async () => new Response("secret-value echoed", { status: 401 }),
    });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String(error)).toBe("AuthError: [auth] Databricks OAuth token request failed with HTTP 401");
  });

  test("a token response that is not JSON is an AuthError that does not quote the body", async () => {
    const provider = databricksClientCredentials({
      host: "example.invalid",
      clientId: "id",
      clientSecret: "secret",
      fetch: async () => new Response("eyJhbGciOiJIUzI1NiJ9.bare-token", { status: 200 }),
    });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String(error)).toBe("AuthError: [auth] Databricks OAuth token response is not JSON (31 characters)");
  });

  test("databricksRemote sends the cluster id on every call", () => {
    const config = parseConnectionString(databricksRemote("https://dbc-1.cloud.databricks.com/", "0123-456"));
    expect(config).toMatchObject({ host: "dbc-1.cloud.databricks.com", port: 443, useSsl: true });
    expect(config.headers).toEqual({ "x-databricks-cluster-id": "0123-456" });
  });
});
