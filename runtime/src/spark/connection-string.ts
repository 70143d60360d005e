/**
 * Parses `sc://host:port/;key=value;…` as Spark's client connection-string spec defines it
 * (apache/spark `sql/connect/docs/client-connection-string.md`, pyspark's `ChannelBuilder`):
 * - the scheme is `sc`, the port defaults to 15002, the path is empty or `/` followed by `;key=value` parameters;
 * - `token`, `user_id`, `user_agent`, `session_id`, `use_ssl` and `grpc_max_message_size` are reserved, values are
 *   URL-decoded, and every other key becomes gRPC metadata sent with every call (e.g. `x-databricks-cluster-id`);
 * - a token turns TLS on. Plain text with a token is allowed only when `use_ssl=false` is explicit and the host is a
 *   loopback address (a local test server), so a bearer token never crosses a network in clear text;
 * - the token, `user_agent` and every header must be something gRPC can send as a header (printable ASCII; see
 *   header-value.ts), checked here so grpc-js never gets to refuse them with a message that quotes them.
 * Errors never quote the input (but for a few well-known schemes): a token pasted into the wrong place (the port, the
 * host, a header key…) must not be printed. They name the part that is wrong — a reserved parameter by its key, any
 * other by its number — and say how: its length, and the kind and position of its first bad character.
 */
import { ConnectionStringError } from "../errors.js";
import { Secret } from "../secret.js";
import { checkHeaderValue, describeIssue, findCharacter, headerKeyProblem } from "./header-value.js";

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
const MAX_USER_AGENT = 2048;

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export function parseConnectionString(input: string): ConnectionConfig {
  const schemeEnd = input.indexOf("://");
  if (schemeEnd < 0) fail("expected sc://host:port/;key=value…");
  checkScheme(input.slice(0, schemeEnd));

  const rest = input.slice(schemeEnd + 3);
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash);
  const { host, port } = parseAuthority(authority);
  const params = parseParameters(path);
  const value = (key: string) => params.get(key)?.value;

  const token = value("token");
  if (token !== undefined) {
    if (token === "") fail('parameter "token" is empty');
    checkHeaderValue(token, 'parameter "token" (URL-decoded)', invalid);
  }
  const useSslRaw = value("use_ssl");
  let useSsl: boolean;
  if (useSslRaw === undefined) useSsl = token !== undefined;
  else if (/^true$/i.test(useSslRaw)) useSsl = true;
  else if (/^false$/i.test(useSslRaw)) useSsl = false;
  else useSsl = fail(`parameter "use_ssl" must be true or false (its value has ${length(useSslRaw)} characters)`);
  if (token !== undefined && !useSsl && !isLoopbackHost(host)) {
    fail(
      'a token needs TLS: "use_ssl=false" with a token is allowed only for a loopback host (localhost, 127.x.x.x, ::1)',
    );
  }

  const sessionId = value("session_id");
  if (sessionId !== undefined && !UUID.test(sessionId)) {
    fail(`parameter "session_id" must be a UUID (its value has ${length(sessionId)} characters)`);
  }
  const userAgent = value("user_agent");
  if (userAgent !== undefined) {
    if (userAgent.length === 0 || userAgent.length > MAX_USER_AGENT) {
      fail(`parameter "user_agent" must have 1 to ${MAX_USER_AGENT} characters`);
    }
    // It is sent as the user-agent header.
    checkHeaderValue(userAgent, 'parameter "user_agent" (URL-decoded)', invalid);
  }
  const userId = value("user_id");
  if (userId !== undefined && userId === "") fail('parameter "user_id" is empty');
  const grpcMaxMessageSize = parseSize(value("grpc_max_message_size"));

  return {
    host,
    port,
    useSsl,
    token: token === undefined ? undefined : new Secret(token),
    userId,
    userAgent,
    sessionId,
    grpcMaxMessageSize,
    headers: headersOf(params),
  };
}

interface Parameter {
  value: string;
  /** 1-based place among the parameters, to name one whose key may not be quoted. */
  index: number;
}

/** `/;k=v;…` into URL-decoded values by key. */
function parseParameters(path: string): Map<string, Parameter> {
  const params = new Map<string, Parameter>();
  if (path === "" || path === "/") return params;
  if (!path.startsWith("/;")) fail('the path must be empty or "/" followed by ";key=value" parameters');
  for (const part of path.slice(2).split(";")) {
    if (part === "") continue;
    const index = params.size + 1;
    const eq = part.indexOf("=");
    // The text of a malformed part is not echoed: it may be a token missing its "=".
    if (eq <= 0) fail(`parameter #${index} is not of the form key=value`);
    const key = part.slice(0, eq);
    const name = nameOf(key, index);
    const earlier = params.get(key);
    if (earlier) fail(`${name} is given twice (as parameters #${earlier.index} and #${index})`);
    params.set(key, { value: decode(part.slice(eq + 1), name), index });
  }
  return params;
}

/** Every parameter that is not reserved, as gRPC metadata with its key lower-cased. */
function headersOf(params: ReadonlyMap<string, Parameter>): Record<string, string> {
  // A Map, not an object: keys such as "constructor" or "__proto__" are header names like any other.
  const headers = new Map<string, string>();
  for (const [key, { value, index }] of params) {
    if (RESERVED.has(key)) continue;
    const name = key.toLowerCase();
    const problem =
      name === "authorization" ? 'the authorization header is made from the "token" parameter' : headerKeyProblem(key);
    if (problem) fail(`parameter #${index} cannot be sent as gRPC metadata: ${problem}`);
    // Keys that differ in case only: one would silently replace the other.
    if (headers.has(name)) fail(`parameter #${index} names the same header as an earlier one (keys ignore case)`);
    checkHeaderValue(value, `the value of parameter #${index} (URL-decoded)`, invalid);
    headers.set(name, value);
  }
  return Object.fromEntries(headers);
}

function parseSize(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(size) || size <= 0) {
    fail(`parameter "grpc_max_message_size" must be a positive integer (its value has ${length(raw)} characters)`);
  }
  return size;
}

// Schemes someone may reasonably write instead of sc; only these are quoted back.
const KNOWN_SCHEMES = new Set(["http", "https", "grpc", "grpcs", "tcp", "ws", "wss"]);

function checkScheme(scheme: string): void {
  if (scheme === "sc") return;
  const lower = scheme.toLowerCase();
  if (lower === "sc") fail('the scheme must be "sc", in lower case');
  if (KNOWN_SCHEMES.has(lower)) fail(`the scheme must be "sc", not "${lower}"`);
  fail(`the scheme must be "sc" (the text before "://" has ${length(scheme)} characters)`);
}

function parseAuthority(authority: string): { host: string; port: number } {
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
  const bad = findCharacter(host, isHostCharacter);
  if (bad) fail(`the host has a character a host name cannot have: ${describeIssue(bad)}`);
  return { host, port: portText === undefined ? DEFAULT_PORT : parsePort(portText) };
}

function parsePort(text: string): number {
  const range = "the port must be a number from 1 to 65535";
  if (text === "") fail(`${range}, and nothing follows the ":"`);
  const notDigit = findCharacter(text, (c) => c >= 0x30 && c <= 0x39);
  if (notDigit) fail(`${range} (the port part has ${describeIssue(notDigit)})`);
  const port = Number(text);
  if (text.length > 5 || port < 1 || port > 65535) {
    fail(`${range} (the port part is a ${text.length}-digit number outside it)`);
  }
  return port;
}

// Letters, digits and `.-_` for names, `:` and `%` (a zone id) for IPv6 addresses.
const HOST_CHARACTER = /^[A-Za-z0-9._:%-]$/;

function isHostCharacter(codePoint: number): boolean {
  return HOST_CHARACTER.test(String.fromCodePoint(codePoint));
}

/** A reserved parameter by its key; any other by its number, since its key may be a misplaced secret. */
function nameOf(key: string, index: number): string {
  return RESERVED.has(key) ? `parameter "${key}"` : `parameter #${index}`;
}

function decode(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`the value of ${name} is not valid URL encoding`);
  }
}

function length(text: string): number {
  return [...text].length;
}

function invalid(message: string): ConnectionStringError {
  return new ConnectionStringError(`invalid Spark Connect connection string: ${message}`);
}

function fail(message: string): never {
  throw invalid(message);
}

/** The connection string without its token, for logs and errors. */
export function describeConnection(config: ConnectionConfig): string {
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return `sc://${host}:${config.port}${config.useSsl ? " (TLS)" : ""}`;
}
