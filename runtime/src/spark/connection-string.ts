/**
 * Parses `sc://host:port/;key=value;…` as Spark's client connection-string spec defines it
 * (apache/spark `sql/connect/docs/client-connection-string.md`, pyspark's `ChannelBuilder`):
 * - the scheme is `sc`, the port defaults to 15002, the path is empty or `/` followed by `;key=value` parameters;
 * - `token`, `user_id`, `user_agent`, `session_id`, `use_ssl` and `grpc_max_message_size` are reserved, values are
 *   URL-decoded, and every other key becomes gRPC metadata sent with every call (e.g. `x-databricks-cluster-id`);
 * - a token turns TLS on. Plain text with a token is allowed only when `use_ssl=false` is explicit and the host is a
 *   loopback address (a local test server), so a bearer token never crosses a network in clear text.
 * Errors name the part that is wrong and never echo the token.
 */
import { ConnectionStringError } from "../errors.js";
import { Secret } from "../secret.js";

export const DEFAULT_PORT = 15002;

export interface ConnectionConfig {
  host: string;
  port: number;
  useSsl: boolean;
  token: Secret | undefined;
  userId: string | undefined;
  userAgent: string | undefined;
  sessionId: string | undefined;
  grpcMaxMessageSize: number | undefined;
  /** Extra gRPC metadata for every call, keys lower-cased. */
  headers: Readonly<Record<string, string>>;
}

const RESERVED = new Set(["token", "user_id", "user_agent", "session_id", "use_ssl", "grpc_max_message_size"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// gRPC metadata keys: lower-case letters, digits, `-`, `_`, `.`; `-bin` suffixed keys carry binary and are refused.
const HEADER_KEY = /^[0-9a-z_.-]+$/;
const MAX_USER_AGENT = 2048;

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export function parseConnectionString(input: string): ConnectionConfig {
  const fail = (message: string): never => {
    throw new ConnectionStringError(`invalid Spark Connect connection string: ${message}`);
  };
  const schemeEnd = input.indexOf("://");
  if (schemeEnd < 0) fail("expected sc://host:port/;key=value…");
  const scheme = input.slice(0, schemeEnd);
  if (scheme !== "sc") fail(`the scheme must be "sc", not "${scheme.slice(0, 20)}"`);

  const rest = input.slice(schemeEnd + 3);
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash);
  const { host, port } = parseAuthority(authority, fail);

  const params = new Map<string, string>();
  if (path !== "" && path !== "/") {
    if (!path.startsWith("/;")) fail('the path must be empty or "/" followed by ";key=value" parameters');
    for (const part of path.slice(2).split(";")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      // The text of a malformed part is not echoed: it may be a token missing its "=".
      if (eq <= 0) fail(`parameter #${[...params.keys()].length + 1} is not of the form key=value`);
      const key = part.slice(0, eq);
      const value = decode(part.slice(eq + 1), key, fail);
      if (params.has(key)) fail(`parameter "${key}" is given twice`);
      params.set(key, value);
    }
  }

  const token = params.get("token");
  if (token !== undefined && token === "") fail('parameter "token" is empty');
  const useSslRaw = params.get("use_ssl");
  let useSsl: boolean;
  if (useSslRaw === undefined) useSsl = token !== undefined;
  else if (/^true$/i.test(useSslRaw)) useSsl = true;
  else if (/^false$/i.test(useSslRaw)) useSsl = false;
  else useSsl = fail(`parameter "use_ssl" must be true or false, not "${useSslRaw.slice(0, 20)}"`);
  if (token !== undefined && !useSsl && !isLoopbackHost(host)) {
    fail(`a token needs TLS: "use_ssl=false" with a token is allowed only for a loopback host, not "${host}"`);
  }

  const sessionId = params.get("session_id");
  if (sessionId !== undefined && !UUID.test(sessionId)) fail('parameter "session_id" must be a UUID');
  const userAgent = params.get("user_agent");
  if (userAgent !== undefined && (userAgent.length === 0 || userAgent.length > MAX_USER_AGENT)) {
    fail(`parameter "user_agent" must have 1 to ${MAX_USER_AGENT} characters`);
  }
  const userId = params.get("user_id");
  if (userId !== undefined && userId === "") fail('parameter "user_id" is empty');
  const sizeRaw = params.get("grpc_max_message_size");
  let grpcMaxMessageSize: number | undefined;
  if (sizeRaw !== undefined) {
    grpcMaxMessageSize = Number(sizeRaw);
    if (!/^\d+$/.test(sizeRaw) || !Number.isSafeInteger(grpcMaxMessageSize) || grpcMaxMessageSize <= 0) {
      fail(`parameter "grpc_max_message_size" must be a positive integer, not "${sizeRaw.slice(0, 20)}"`);
    }
  }

  const headers: Record<string, string> = {};
  for (const [key, value] of params) {
    if (RESERVED.has(key)) continue;
    const name = key.toLowerCase();
    if (!HEADER_KEY.test(name) || name.endsWith("-bin") || name.startsWith("grpc-") || name === "authorization") {
      fail(`parameter "${key.slice(0, 40)}" cannot be sent as gRPC metadata`);
    }
    headers[name] = value;
  }

  return {
    host,
    port,
    useSsl,
    token: token === undefined ? undefined : new Secret(token),
    userId,
    userAgent,
    sessionId,
    grpcMaxMessageSize,
    headers,
  };
}

function parseAuthority(authority: string, fail: (message: string) => never): { host: string; port: number } {
  if (authority === "") fail("the host is missing");
  if (authority.includes("@")) fail("user information before the host is not supported; use user_id and token");
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) fail("an IPv6 host must be closed with ]");
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) fail("expected :port after the IPv6 host");
    portText = after === "" ? undefined : after.slice(1);
  } else {
    const colon = authority.lastIndexOf(":");
    if (colon >= 0 && authority.indexOf(":") !== colon) fail("an IPv6 host must be written in brackets, e.g. [::1]");
    host = colon < 0 ? authority : authority.slice(0, colon);
    portText = colon < 0 ? undefined : authority.slice(colon + 1);
  }
  if (host === "") fail("the host is missing");
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) fail(`the host "${host.slice(0, 60)}" has characters a host name cannot have`);
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
      fail(`the port must be a number from 1 to 65535, not "${portText.slice(0, 20)}"`);
    }
  }
  return { host, port };
}

function decode(value: string, key: string, fail: (message: string) => never): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`parameter "${key}" is not valid URL encoding`);
  }
}

/** The connection string without its token, for logs and errors. */
export function describeConnection(config: ConnectionConfig): string {
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return `sc://${host}:${config.port}${config.useSsl ? " (TLS)" : ""}`;
}
