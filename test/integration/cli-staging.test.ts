/**
 * The CLI's bulk path against the real server and the project's object store: `lakehouse ingest --staging s3://…
 * --path bulk` stages each batch as Parquet, the server's executors read it, one commit per batch, nothing left in the
 * bucket; bad staging flags and missing credentials are refused before anything connects (the secret never shown);
 * `lakehouse staging clean` removes what a crashed load left and keeps younger files.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { main } from "../../runtime/src/cli/main.js";
import { type ObjectStore, RecordTable, type SparkSession, s3Store } from "../../runtime/src/index.js";
import { connect, remote, tablePath } from "./helpers.js";

const s3 = inject("s3");
const run = randomUUID();
const CONTRACT = `${join(import.meta.dirname, "../../generated/lakehouse/test/v1/basic_lakehouse.ts")}#BasicTestRecord`;

/** Runs the CLI as its bin does: an error is exit code 2 and its one-line message (here in `out`). */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  try {
    const code = await main(args, sink);
    return { code, out };
  } catch (error) {
    return { code: 2, out: `${out}lakehouse: ${(error as Error).message}\n` };
  }
}

describe.skipIf(!s3.available && s3.skip)("lakehouse ingest --staging and lakehouse staging clean", () => {
  const settings = () => {
    if (!s3.available) throw new Error(s3.reason);
    return s3;
  };
  const dir = mkdtempSync(join(tmpdir(), "cli-staging-"));
  let spark: SparkSession;
  let store: ObjectStore;
  const saved = { ...process.env };

  beforeAll(async () => {
    const { bucket, endpoint, region, accessKey, secretKey } = settings();
    spark = await connect();
    store = await s3Store({ bucket, endpoint, region, accessKeyId: accessKey, secretAccessKey: secretKey });
  });
  afterAll(async () => {
    await spark?.close();
  });
  const withCredentials = () => {
    const { accessKey, secretKey } = settings();
    process.env.AWS_ACCESS_KEY_ID = accessKey;
    process.env.AWS_SECRET_ACCESS_KEY = secretKey;
  };
  afterEach(() => {
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  const stagedKeys = async (prefix: string) => {
    const keys: string[] = [];
    for await (const o of store.list(`${prefix}/`)) if (!o.key.endsWith("/")) keys.push(o.key);
    return keys;
  };

  test("ingest --path bulk: each batch staged, committed by the server, nothing left in the bucket", async () => {
    withCredentials();
    const { bucket, endpoint } = settings();
    const prefix = `cli/${run}/ingest`;
    const file = join(dir, "in.jsonl");
    const lines = Array.from({ length: 250 }, (_, i) => JSON.stringify({ id: String(i + 1), name: `n${i}`, value: i }));
    lines.push(JSON.stringify({ id: "0", name: "not positive" }));
    writeFileSync(file, `${lines.join("\n")}\n`);
    const location = tablePath("cli_staging");
    const args = [
      "ingest",
      file,
      "--contract",
      CONTRACT,
      "--location",
      location,
      "--remote",
      remote(),
      "--batch-size",
      "100",
      "--staging",
      `s3://${bucket}/${prefix}`,
      "--staging-endpoint",
      endpoint,
      "--path",
      "bulk",
    ];
    const { code, out } = await cli(args);
    expect(out).toContain("250 accepted, 1 rejected (251 read, 3 commits)");
    expect(code).toBe(1);
    const table = new RecordTable(spark, BasicTestRecord, { location });
    expect(await table.count()).toBe(250n);
    // Three commits, each the append of one staged file: the history shows them as WRITEs of the ingest's app id.
    const history = await (await spark.sql(`DESCRIBE HISTORY delta.\`${location}\``)).collect();
    expect(history.filter((h) => h.operation === "WRITE")).toHaveLength(3);
    expect(await stagedKeys(prefix)).toEqual([]);
    // Run again: exactly once per file, nothing written twice.
    const again = await cli(args);
    expect(again.out).toContain("250 records were already in the table");
    expect(await table.count()).toBe(250n);
  }, 300_000);

  test("ingest --path bulk with a store nothing answers: a typed error, nothing committed", async () => {
    withCredentials();
    const { bucket } = settings();
    const file = join(dir, "few.jsonl");
    writeFileSync(file, `${[1, 2, 3].map((id) => JSON.stringify({ id: String(id) })).join("\n")}\n`);
    const location = tablePath("cli_staging_unreachable");
    const result = await cli([
      ...["ingest", file, "--contract", CONTRACT, "--location", location, "--remote", remote()],
      ...[
        "--staging",
        `s3://${bucket}/cli/${run}/nowhere`,
        "--staging-endpoint",
        "http://127.0.0.1:1",
        "--path",
        "bulk",
      ],
    ]);
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/the store for bucket "[^"]+" at http:\/\/127.0.0.1:1 cannot be reached/);
    expect(await new RecordTable(spark, BasicTestRecord, { location }).count()).toBe(0n);
  }, 120_000);

  test("bad staging flags and missing credentials are refused before anything connects, the secret never shown", async () => {
    const file = join(dir, "one.jsonl");
    writeFileSync(file, `${JSON.stringify({ id: "1" })}\n`);
    const base = ["ingest", file, "--contract", CONTRACT, "--location", tablePath("cli_staging_bad")];
    // An unreachable server: each refusal comes before any connection is tried.
    const nowhere = ["--remote", "sc://127.0.0.1:1"];
    expect(await cli([...base, ...nowhere, "--path", "bulk"])).toMatchObject({
      code: 2,
      out: expect.stringContaining("--path bulk needs --staging s3://bucket[/prefix]"),
    });
    const noKeys = await cli([...base, ...nowhere, "--staging", "s3://lakehouse/x"]);
    expect(noKeys.code).toBe(2);
    expect(noKeys.out).toContain("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    withCredentials();
    const { secretKey } = settings();
    for (const [flags, message] of [
      [["--staging", "lakehouse/x"], "--staging must be s3://bucket or s3://bucket/prefix"],
      [["--staging", "s3://No_Such/x"], "is not a bucket name"],
      [["--staging", "s3://lakehouse", "--staging-endpoint", "127.0.0.1:9"], "must be an http:// or https:// URL"],
      [["--staging-endpoint", "http://127.0.0.1:9"], "--staging-endpoint needs --staging"],
    ] as const) {
      const result = await cli([...base, ...nowhere, ...flags]);
      expect(result.code, flags.join(" ")).toBe(2);
      expect(result.out).toContain(message);
      expect(result.out).not.toContain(secretKey);
    }
  });

  test("staging clean removes the files older than --older-than and keeps the others", async () => {
    withCredentials();
    const { bucket, endpoint } = settings();
    const prefix = `cli/${run}/clean`;
    const orphan = `${prefix}/crashed-writer/${randomUUID()}.parquet`;
    await store.put(orphan, new Uint8Array([1, 2, 3]));
    const args = ["staging", "clean", "--staging", `s3://${bucket}/${prefix}`, "--staging-endpoint", endpoint];
    const young = await cli([...args, "--older-than", "1h"]);
    expect(young).toMatchObject({ code: 0, out: expect.stringContaining("0 staged files older than 1h removed") });
    expect(await stagedKeys(prefix)).toEqual([orphan]);
    // S3Proxy's file backend keeps whole-second modification times: wait past one.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const old = await cli([...args, "--older-than", "0s"]);
    expect(old.code).toBe(0);
    expect(old.out).toContain(`removed ${orphan}`);
    expect(old.out).toContain("1 staged file older than 0s removed");
    expect(await stagedKeys(prefix)).toEqual([]);
    expect(await cli([...args, "--older-than", "a day"])).toMatchObject({
      code: 2,
      out: expect.stringContaining("--older-than must be a number and s, m, h or d"),
    });
  });
});
