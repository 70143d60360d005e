import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { ConnectionStringError, parseConnectionString } from "../../runtime/src/index.js";

const TOKEN = "s3cr3t-t0ken-value";

describe("parseConnectionString", () => {
  // The examples of Spark's client connection-string spec (sql/connect/docs/client-connection-string.md).
  test.each([
    ["sc://localhost", { host: "localhost", port: 15002, useSsl: false }],
    ["sc://localhost/", { host: "localhost", port: 15002, useSsl: false }],
    ["sc://localhost:1234/", { host: "localhost", port: 1234, useSsl: false }],
    ["sc://localhost/;use_ssl=true", { host: "localhost", port: 15002, useSsl: true }],
    ["sc://[::1]:15003", { host: "::1", port: 15003, useSsl: false }],
    ["sc://10.0.0.7:443/;use_ssl=TRUE", { host: "10.0.0.7", port: 443, useSsl: true }],
  ])("%s", (input, expected) => {
    expect(parseConnectionString(input)).toMatchObject(expected);
  });

  test("reserved parameters and extra headers", () => {
    const config = parseConnectionString(
      `sc://myhost.com:443/;token=${TOKEN};user_id=alice;user_agent=my%20app;session_id=8b4a4f3c-2c6e-4f5a-9d1e-0a1b2c3d4e5f;x-databricks-cluster-id=0123-abc`,
    );
    expect(config).toMatchObject({
      host: "myhost.com",
      port: 443,
      useSsl: true,
      userId: "alice",
      userAgent: "my app",
      sessionId: "8b4a4f3c-2c6e-4f5a-9d1e-0a1b2c3d4e5f",
      headers: { "x-databricks-cluster-id": "0123-abc" },
    });
    expect(config.token?.reveal()).toBe(TOKEN);
  });

  test("a token implies TLS", () => {
    expect(parseConnectionString(`sc://host/;token=${TOKEN}`).useSsl).toBe(true);
  });

  test("plain text with a token only on loopback with an explicit use_ssl=false", () => {
    expect(parseConnectionString(`sc://127.0.0.1:15003/;token=${TOKEN};use_ssl=false`).useSsl).toBe(false);
    expect(parseConnectionString(`sc://localhost/;use_ssl=false;token=${TOKEN}`).useSsl).toBe(false);
    expect(() => parseConnectionString(`sc://example.com/;token=${TOKEN};use_ssl=false`)).toThrow(/loopback/);
  });

  test("grpc_max_message_size", () => {
    expect(parseConnectionString("sc://h/;grpc_max_message_size=1048576").grpcMaxMessageSize).toBe(1048576);
    expect(() => parseConnectionString("sc://h/;grpc_max_message_size=-1")).toThrow(/grpc_max_message_size/);
  });

  test.each([
    ["http://localhost", /scheme must be "sc"/],
    ["localhost:15002", /expected sc:\/\//],
    ["sc://", /host is missing/],
    ["sc://:15002", /host is missing/],
    ["sc://host:0", /port/],
    ["sc://host:99999", /port/],
    ["sc://host:abc", /port/],
    ["sc://::1:15002", /IPv6 host must be written in brackets/],
    ["sc://[::1", /IPv6/],
    ["sc://host/path", /path must be empty/],
    ["sc://host/;user_id", /parameter #1 is not of the form key=value/],
    ["sc://host/;session_id=not-a-uuid", /session_id.*UUID/],
    ["sc://host/;use_ssl=yes", /use_ssl/],
    ["sc://host/;user_id=a;user_id=b", /given twice/],
    ["sc://host/;bad%zz=1", /cannot be sent as gRPC metadata/],
    ["sc://host/;x-trace=%E0%A4%A", /not valid URL encoding/],
    ["sc://host/;grpc-timeout=1", /cannot be sent as gRPC metadata/],
    ["sc://host/;authorization=Bearer%20x", /cannot be sent as gRPC metadata/],
    ["sc://user@host", /user information/],
    ["sc://host/;x-a-bin=1", /ending in "-bin"/],
    ["sc://host/;Connection=close", /HTTP\/2 forbids the HTTP\/1 connection header "connection"/],
    ["sc://host/;user-agent=x", /gRPC sets the "user-agent" header itself/],
    ["sc://host/;token=a%0A", /parameter "token" .* a line feed/],
    ["sc://host/;user_agent=app%09x", /parameter "user_agent" .* a tab/],
    ["sc://host/;x-trace=caf%C3%A9", /the value of parameter #1 .* a non-ASCII character/],
  ])("rejects %s", (input, message) => {
    expect(() => parseConnectionString(input)).toThrow(ConnectionStringError);
    expect(() => parseConnectionString(input)).toThrow(message);
  });

  // None of these quote the input: each could be a token pasted into the wrong place (see secrets-sweep.test.ts).
  test.each([
    ["http://localhost", 'the scheme must be "sc", not "http"'],
    ["s3cr3t://localhost", 'the scheme must be "sc" (the text before "://" has 6 characters)'],
    ["sc://host:", 'the port must be a number from 1 to 65535, and nothing follows the ":"'],
    ["sc://host:12a45", "the port must be a number from 1 to 65535 (the port part has a letter at position 3 of 5)"],
    ["sc://host:99999", "the port must be a number from 1 to 65535 (the port part is a 5-digit number outside it)"],
    ["sc://ho/st", 'the path must be empty or "/" followed by ";key=value" parameters'],
    ["sc://hö", "the host has a character a host name cannot have: a non-ASCII character at position 2 of 2"],
    ["sc://host/;use_ssl=yes", 'parameter "use_ssl" must be true or false (its value has 3 characters)'],
    ["sc://host/;session_id=abc", 'parameter "session_id" must be a UUID (its value has 3 characters)'],
    [
      "sc://host/;grpc_max_message_size=1e6",
      'parameter "grpc_max_message_size" must be a positive integer (its value has 3 characters)',
    ],
    ["sc://host/;a=1;x-k=1;x-k=2", "parameter #3 is given twice (as parameters #2 and #3)"],
    [
      "sc://host/;x%=1",
      "parameter #1 cannot be sent as gRPC metadata: the key has a character a gRPC header name cannot have: a punctuation character at position 2 of 2",
    ],
    ["sc://host/;x=%zz", "the value of parameter #1 is not valid URL encoding"],
    [
      "sc://host/;token=abc%0A",
      'parameter "token" (URL-decoded) has a character a gRPC header cannot carry: a line feed (U+000A) at position 4 of 4 — a trailing newline from a file or an environment variable?',
    ],
    [
      "sc://example.com/;token=abc;use_ssl=false",
      'a token needs TLS: "use_ssl=false" with a token is allowed only for a loopback host (localhost, 127.x.x.x, ::1)',
    ],
  ])("%s: says what is wrong without quoting it", (input, message) => {
    expect(() => parseConnectionString(input)).toThrow(`invalid Spark Connect connection string: ${message}`);
  });

  test("header keys that differ in case only are refused; any legal name is a header, constructor included", () => {
    expect(() => parseConnectionString("sc://h/;X-A=1;x-a=2")).toThrow(/parameter #2 names the same header/);
    expect(() => parseConnectionString("SC://h")).toThrow(/in lower case/);
    expect(parseConnectionString("sc://h/;constructor=1;__proto__=2").headers).toEqual(
      Object.fromEntries([
        ["constructor", "1"],
        ["__proto__", "2"],
      ]),
    );
  });

  test("errors and printed configs never contain the token", () => {
    const attempts = [
      `sc://example.com/;token=${TOKEN};use_ssl=false`,
      `sc://host/;${TOKEN}`,
      `sc://host:bad/;token=${TOKEN}`,
      `sc://host/;token=${TOKEN};session_id=${TOKEN}`,
    ];
    for (const input of attempts) {
      let message = "";
      try {
        parseConnectionString(input);
      } catch (error) {
        message = String(error) + inspect(error);
      }
      expect(message).not.toBe("");
      expect(message).not.toContain(TOKEN);
    }
    const config = parseConnectionString(`sc://host/;token=${TOKEN}`);
    expect(JSON.stringify(config)).not.toContain(TOKEN);
    expect(inspect(config, { depth: 5 })).not.toContain(TOKEN);
    expect(`${config.token}`).toBe("[redacted]");
  });
});
