/** Token auth against a server started with spark.connect.authenticate.token (the `auth` instance). */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthError, NO_BACKOFF_RETRY_POLICY, SparkSession } from "../../runtime/src/index.js";
import { type RunningServer, start, stop } from "../../tools/spark/server.js";

describe("token auth", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ auth: true, memory: "1g", log: () => {} });
  });
  afterAll(async () => {
    if (server?.started) await stop(server.name, () => {});
  });

  test("the right token works", async () => {
    const spark = await SparkSession.connect(server.remote);
    expect(await (await spark.sql("SELECT 1 AS one")).collect()).toEqual([{ one: 1 }]);
    await spark.close();
  });

  test("a token provider works, and is asked once while its token is valid", async () => {
    const token = new URL(server.remote.replace("sc://", "http://")).pathname.match(/token=([^;]+)/)?.[1] ?? "";
    let calls = 0;
    const spark = await SparkSession.connect(`sc://127.0.0.1:${server.port}`, {
      tokenProvider: async () => {
        calls++;
        return { token, expiresAt: new Date(Date.now() + 3_600_000) };
      },
    });
    await spark.sql("SELECT 1");
    await spark.sql("SELECT 2");
    expect(calls).toBe(1);
    await spark.close();
  });

  test.each([
    ["a wrong token", `/;token=wrong-token-value;use_ssl=false`],
    ["no token", ""],
  ])("%s gets an AuthError that does not echo the token", async (_label, suffix) => {
    const error = await SparkSession.connect(`sc://127.0.0.1:${server.port}${suffix}`, {
      retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 0 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(`${String(error)} ${inspect(error)}`).not.toContain("wrong-token-value");
  });
});
