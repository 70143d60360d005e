import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import {
  AuthError,
  CachedToken,
  databricksClientCredentials,
  databricksRemote,
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
      () => now,
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
    expect(String(error)).toBe("AuthError: Databricks OAuth token request failed with HTTP 401");
  });

  test("databricksRemote sends the cluster id on every call", () => {
    const config = parseConnectionString(databricksRemote("https://dbc-1.cloud.databricks.com/", "0123-456"));
    expect(config).toMatchObject({ host: "dbc-1.cloud.databricks.com", port: 443, useSsl: true });
    expect(config.headers).toEqual({ "x-databricks-cluster-id": "0123-456" });
  });
});
