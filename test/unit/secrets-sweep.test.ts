/**
 * No error a token can reach ever prints it: tokens with a newline, a tab, a non-ASCII letter or a quote (and a plain
 * one), put in the right place of a connection string and in every wrong one, returned by a token provider, quoted
 * by a provider's error, by a server's status and by grpc-js itself. "Prints" covers every way an error gets shown
 * (message, stack, String, JSON, util.inspect, the cause chain), the token as it is, escaped and URL-encoded, and any
 * 8 characters of it (a shortened echo is a leak too).
 */
import { inspect } from "node:util";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, test } from "vitest";
import {
  AuthError,
  CachedToken,
  ConnectionStringError,
  isLakehouseError,
  parseConnectionString,
  SparkError,
} from "../../runtime/src/index.js";
import { Secret } from "../../runtime/src/secret.js";
import { errorFromGrpc, errorFromThrown } from "../../runtime/src/spark/grpc-errors.js";
import { checkHeaderValue, headerKeyProblem } from "../../runtime/src/spark/header-value.js";

// Random-looking bodies, so that no 8 characters of a token occur in a message by chance.
const TOKENS = {
  plain: "Zq7xK9mPw2Lr8VbN4tYc",
  "line feed": "Hj3nR8sWq5Ze2MxK7pLd\n",
  tab: "Fv6tB1yQ9\tcX4kN2wG8a",
  "non-ASCII": "Wm5rT8éqZ2nB7vK3xJ6s",
  quote: 'Pc9dL4"hS7fQ1zR6yU3e',
} as const;
type Kind = keyof typeof TOKENS;
const KINDS = Object.keys(TOKENS) as Kind[];
/** What grpc-js refuses in a header value. */
const ILLEGAL_IN_HEADER = new Set<Kind>(["line feed", "tab", "non-ASCII"]);

/** The token in every form a message might quote it in, and each of its 8-character pieces. */
function leaks(token: string): string[] {
  const forms = [
    token,
    JSON.stringify(token).slice(1, -1),
    JSON.stringify(JSON.stringify(token)).slice(1, -1),
    encodeURIComponent(token),
    inspect(token).slice(1, -1),
    token.trim(),
  ];
  const pieces = [...token.trim()].flatMap((_, i, chars) =>
    i + 8 <= chars.length ? [chars.slice(i, i + 8).join("")] : [],
  );
  return [...new Set([...forms, ...pieces])];
}

/** Every way an error is shown, its causes included. */
function renderings(error: unknown): string {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    out.push(String(current), inspect(current, { depth: 10 }), JSON.stringify(current) ?? "");
    if (current instanceof Error) out.push(current.message, current.stack ?? "");
    current = current instanceof Error ? current.cause : undefined;
  }
  return out.join("\n");
}

function expectNoLeak(error: unknown, token: string): void {
  const shown = renderings(error);
  for (const leak of leaks(token)) expect(shown, `quotes ${JSON.stringify(leak)}`).not.toContain(leak);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** Host and header-key characters: the plain token is a valid host name and header key, the others are not. */
const HOST_LIKE = new Set<Kind>(["plain"]);

interface Placement {
  place: string;
  url: (token: string) => string;
  /** Whether the string is valid with this token there (a token that looks like a host is a host). */
  parses: (kind: Kind) => boolean;
  /** The token's own place: a parsed config must not print it either. */
  secret?: true;
}

const PLACEMENTS: Placement[] = [
  {
    place: "token",
    url: (t) => `sc://host/;token=${encodeURIComponent(t)}`,
    parses: (k) => !ILLEGAL_IN_HEADER.has(k),
    secret: true,
  },
  { place: "token, raw", url: (t) => `sc://host/;token=${t}`, parses: (k) => !ILLEGAL_IN_HEADER.has(k), secret: true },
  { place: "port", url: (t) => `sc://host:${t}/`, parses: () => false },
  { place: "host", url: (t) => `sc://${t}:443/`, parses: (k) => HOST_LIKE.has(k) },
  {
    place: "host, with a plain-text token",
    url: (t) => `sc://${t}/;token=x;use_ssl=false`,
    parses: () => false,
  },
  { place: "use_ssl", url: (t) => `sc://host/;use_ssl=${encodeURIComponent(t)}`, parses: () => false },
  { place: "header key", url: (t) => `sc://host/;${t}=1`, parses: (k) => HOST_LIKE.has(k) },
  { place: "header key, twice", url: (t) => `sc://host/;${t}=1;${t}=2`, parses: () => false },
  { place: "parameter without =", url: (t) => `sc://host/;${t}`, parses: () => false },
  {
    place: "header value",
    url: (t) => `sc://host/;x-custom=${encodeURIComponent(t)}`,
    parses: (k) => !ILLEGAL_IN_HEADER.has(k),
  },
  { place: "session_id", url: (t) => `sc://host/;session_id=${encodeURIComponent(t)}`, parses: () => false },
  {
    place: "user_agent",
    url: (t) => `sc://host/;user_agent=${encodeURIComponent(t)}`,
    parses: (k) => !ILLEGAL_IN_HEADER.has(k),
  },
  {
    place: "grpc_max_message_size",
    url: (t) => `sc://host/;grpc_max_message_size=${encodeURIComponent(t)}`,
    parses: () => false,
  },
  { place: "scheme", url: (t) => `${t}://host/`, parses: () => false },
];

describe("a token in a connection string", () => {
  test.each(PLACEMENTS)("in its $place", ({ url, parses, secret }) => {
    for (const kind of KINDS) {
      const token = TOKENS[kind];
      const input = url(token);
      if (parses(kind)) {
        const config = parseConnectionString(input);
        if (secret) {
          expect(config.token?.reveal(), kind).toBe(token);
          expectNoLeak(config, token);
        }
        continue;
      }
      const error = thrown(() => parseConnectionString(input));
      expect(isLakehouseError(error), kind).toBe(true);
      expect(error, kind).toBeInstanceOf(ConnectionStringError);
      expectNoLeak(error, token);
    }
  });
});

describe("a token from a token provider", () => {
  test("that gRPC cannot send is an AuthError that does not quote it", async () => {
    for (const kind of KINDS) {
      const token = TOKENS[kind];
      const cache = new CachedToken(async () => ({ token }));
      if (ILLEGAL_IN_HEADER.has(kind)) {
        const error = await rejection(cache.get());
        expect(error, kind).toBeInstanceOf(AuthError);
        expect((error as Error).message, kind).toMatch(/a gRPC header cannot carry/);
        expectNoLeak(error, token);
      } else {
        expect((await cache.get()).reveal(), kind).toBe(token);
      }
    }
  });

  test("quoted by the provider's error is scrubbed", async () => {
    for (const kind of KINDS) {
      const token = TOKENS[kind];
      let calls = 0;
      const cache = new CachedToken(async () => {
        calls++;
        if (calls === 1) return { token, expiresAt: new Date(Date.now() + 30_000) };
        throw new Error(
          `refresh of ${token} refused: {"access_token":${JSON.stringify(token)}} ${encodeURIComponent(token)}`,
        );
      });
      await cache.get().catch(() => undefined); // the token is issued (or refused): the cache knows it
      const error = await rejection(cache.get());
      expect(error, kind).toBeInstanceOf(AuthError);
      expectNoLeak(error, token);
      expect((error as Error).message, kind).toMatch(
        /^the token provider failed: Error: refresh of \[redacted\] refused/,
      );
    }
  });
});

describe("a token quoted by gRPC", () => {
  test("in a status's details", () => {
    for (const kind of KINDS) {
      const token = TOKENS[kind];
      const secret = new Secret(token);
      const details = `bad token ${token} / "${JSON.stringify(token).slice(1, -1)}" / ${encodeURIComponent(token)}`;
      for (const code of [status.UNAUTHENTICATED, status.UNAVAILABLE, status.INTERNAL, status.CANCELLED]) {
        const error = errorFromGrpc(serviceError(code, details), [secret]);
        expectNoLeak(error, token);
        expect(errorFromThrown(serviceError(code, details), [secret]).constructor, kind).toBe(error.constructor);
      }
    }
  });

  test("in Spark's error parameters", () => {
    for (const kind of KINDS) {
      const token = TOKENS[kind];
      const metadata = new Metadata();
      const parameters = JSON.stringify({ t: token });
      metadata.set("grpc-status-details-bin", statusDetails({ errorClass: "X", messageParameters: parameters }));
      const error = errorFromGrpc(serviceError(status.INTERNAL, "failed", metadata), [new Secret(token)]);
      expect(error, kind).toBeInstanceOf(SparkError);
      expect((error as SparkError).messageParameters, kind).toEqual({ t: "[redacted]" });
      expectNoLeak(error, token);
    }
  });

  test("in whatever grpc-js throws, e.g. Metadata.set refusing it", () => {
    for (const kind of KINDS) {
      const token = TOKENS[kind];
      const secret = new Secret(token);
      const fromMetadata = thrown(() => new Metadata().set("authorization", `Bearer ${token}\n`));
      for (const raw of [fromMetadata, new TypeError(`bad ${JSON.stringify(token)}`), `bad ${token}`]) {
        const error = errorFromThrown(raw, [secret]);
        expect(isLakehouseError(error), kind).toBe(true);
        expect(error.cause, kind).toBeUndefined();
        expectNoLeak(error, token);
      }
    }
  });
});

describe("checkHeaderValue", () => {
  test("agrees with a real grpc-js Metadata.set on each test token", () => {
    for (const kind of KINDS) {
      const token = TOKENS[kind];
      const grpcAccepts = !threw(() => new Metadata().set("authorization", `Bearer ${token}`));
      expect(!threw(() => checkHeaderValue(token, "the token")), kind).toBe(grpcAccepts);
      expect(grpcAccepts, kind).toBe(!ILLEGAL_IN_HEADER.has(kind));
    }
  });

  test("agrees with grpc-js on every character up to U+3000 and on surrogates", () => {
    const samples = [...Array.from({ length: 0x3000 }, (_, i) => String.fromCharCode(i)), "\ud800", "\udfff", "😀"];
    const disagreements = samples.filter((c) => {
      const grpcAccepts = !threw(() => new Metadata().set("x-h", `a${c}b`));
      return grpcAccepts !== !threw(() => checkHeaderValue(`a${c}b`, "a value"));
    });
    expect(disagreements.map((c) => c.codePointAt(0))).toEqual([]);
  });

  test("headerKeyProblem accepts no key grpc-js refuses", () => {
    const keys = Array.from({ length: 0x100 }, (_, i) => `x-${String.fromCharCode(i)}-k`);
    const accepted = keys.filter((key) => headerKeyProblem(key) === undefined);
    expect(accepted.filter((key) => threw(() => new Metadata().set(key, "v")))).toEqual([]);
    expect(accepted.length).toBe(26 * 2 + 10 + 3);
  });

  test("the message says what is wrong and where, not what the value is", () => {
    const error = thrown(() => checkHeaderValue(TOKENS["line feed"], "the token"));
    expect((error as Error).message).toBe(
      "the token has a character a gRPC header cannot carry: a line feed (U+000A) at position 21 of 21 — a trailing newline from a file or an environment variable?",
    );
  });
});

function threw(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch {
    return true;
  }
}

function serviceError(code: status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

/** google.rpc.Status{details:[Any{ErrorInfo{metadata}}]} as Spark sends it in grpc-status-details-bin. */
function statusDetails(metadata: Record<string, string>): Buffer {
  const info = new BinaryWriter().tag(1, 2).string("REASON").tag(2, 2).string("org.apache.spark");
  for (const [k, v] of Object.entries(metadata)) {
    info.tag(3, 2).bytes(new BinaryWriter().tag(1, 2).string(k).tag(2, 2).string(v).finish());
  }
  const any = new BinaryWriter()
    .tag(1, 2)
    .string("type.googleapis.com/google.rpc.ErrorInfo")
    .tag(2, 2)
    .bytes(info.finish());
  return Buffer.from(new BinaryWriter().tag(3, 2).bytes(any.finish()).finish());
}
