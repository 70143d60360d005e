/** The `lakehouse` CLI against the real server: ingest with rejects, query, tail, table create/describe. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { main } from "../../runtime/src/cli/main.js";
import { InvalidArgumentError, RecordTable, SparkSession } from "../../runtime/src/index.js";
import { type RunningServer, start, stop } from "../../tools/spark/server.js";
import { remote, tablePath } from "./helpers.js";

const CONTRACT = `${join(import.meta.dirname, "../../generated/lakehouse/test/v1/basic_lakehouse.ts")}#BasicTestRecord`;

async function cli(
  args: string[],
  options: { signal?: AbortSignal; stop?: AbortSignal; onOutput?: (out: string) => void } = {},
): Promise<{ code: number; out: string }> {
  let out = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      options.onOutput?.(out);
      done();
    },
  });
  const code = await main(args, sink, options.signal, options.stop);
  return { code, out };
}

describe("lakehouse CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-"));
  const location = tablePath("cli");

  test("ingest writes the valid records and reports the rejects with their reasons", async () => {
    const file = join(dir, "in.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ id: "1", name: "one", value: 1.5, isActive: true }),
        JSON.stringify({ id: 2, name: "two" }),
        JSON.stringify({ id: "x", name: 3 }),
        "{not json",
        JSON.stringify({ id: "4", surprise: true }),
        JSON.stringify({ id: "9223372036854775808" }),
      ].join("\n"),
    );
    const { code, out } = await cli([
      "ingest",
      file,
      "--contract",
      CONTRACT,
      "--location",
      location,
      "--remote",
      remote(),
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/: 2 accepted, 4 rejected/);
    const rejects = readFileSync(`${file}.rejects.jsonl`, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rejects.map((r) => r.where)).toEqual(["line 3", "line 4", "line 5", "line 6"]);
    expect(rejects[0].issues.map((i: { path: string }) => i.path).sort()).toEqual(["id", "name"]);
  });

  test("query and tail print typed rows; table describe checks the schema", async () => {
    const query = await cli([
      "query",
      "--contract",
      CONTRACT,
      "--location",
      location,
      "--remote",
      remote(),
      "--where",
      '{"id":{"gte":"2"}}',
    ]);
    expect(query.code).toBe(0);
    expect(query.out).toMatch(/^id\s+name\s+value\s+is_active/);
    expect(query.out).toMatch(/\n2\s+two\s+0\s+false/);
    expect(query.out).toMatch(/\(1 rows\)/);
    const tail = await cli(["tail", "--contract", CONTRACT, "--location", location, "--remote", remote(), "-n", "5"]);
    expect(
      tail.out
        .split("\n")
        .filter((l) => /^\d/.test(l))
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(["1", "2"]);
    const describe_ = await cli([
      "table",
      "describe",
      "--contract",
      CONTRACT,
      "--location",
      location,
      "--remote",
      remote(),
    ]);
    expect(describe_.out).toMatch(/schema: matches the contract/);
    expect(describe_.out).toMatch(/rows: 2/);
  });

  test("tail --follow prints rows inserted after it started, once each, until stopped", async () => {
    const stop = new AbortController();
    let printed = 0;
    let resolveFirst: () => void = () => {};
    const firstScreen = new Promise<void>((resolve) => {
      resolveFirst = resolve;
    });
    const following = cli(
      ["tail", "--contract", CONTRACT, "--location", location, "--remote", remote(), "-n", "1", "--follow"],
      {
        signal: stop.signal,
        onOutput: (out) => {
          printed = out.split("\n").filter((l) => /^\d/.test(l)).length;
          resolveFirst();
        },
      },
    );
    await firstScreen;
    const spark = await SparkSession.connect(remote());
    try {
      const table = new RecordTable(spark, BasicTestRecord, { location });
      await table.insertRecords([new BasicTestRecord({ id: 41n, name: "late" })]);
      await table.insertRecords([new BasicTestRecord({ id: 42n, name: "later" })]);
    } finally {
      await spark.close();
    }
    const deadline = Date.now() + 60_000;
    while (printed < 3 && Date.now() < deadline) await delay(200);
    stop.abort();
    const { code, out } = await following;
    expect(code).toBe(0);
    const ids = out
      .split("\n")
      .filter((l) => /^\d/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    expect(ids).toEqual(["2", "41", "42"]);
  });
});

describe("lakehouse ingest is exactly-once per file", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-once-"));
  const lines = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: String(from + i), name: `n${from + i}` }));

  test("running the same file again writes nothing twice", async () => {
    const location = tablePath("cli_twice");
    const file = join(dir, "twice.jsonl");
    writeFileSync(file, `${lines(1, 5).join("\n")}\n`);
    const args = ["ingest", file, "--contract", CONTRACT, "--location", location, "--remote", remote()];
    expect((await cli([...args, "--batch-size", "2"])).code).toBe(0);
    const again = await cli([...args, "--batch-size", "2"]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/5 records were already in the table from an earlier run/);
    expect(await count(location)).toBe(5n);
  });

  test("stopped after the batch in flight, rejects so far written; a re-run completes the file without duplicates", async () => {
    const location = tablePath("cli_resume");
    const file = join(dir, "resume.jsonl");
    // 20 valid records in batches of 2, one reject near the start and one at the end.
    writeFileSync(file, [lines(1, 2), "{not json", lines(3, 18), JSON.stringify({ id: "0" })].flat().join("\n"));
    const args = ["ingest", file, "--contract", CONTRACT, "--location", location, "--remote", remote()];
    const stop = new AbortController();
    const watching = (async () => {
      // Stop (as the first Ctrl-C does) once a batch is in the table.
      while (!stop.signal.aborted) {
        if ((await count(location).catch(() => 0n)) >= 2n) stop.abort();
        else await delay(100);
      }
    })();
    const stopped = await cli([...args, "--batch-size", "2"], { stop: stop.signal });
    stop.abort();
    await watching;
    expect(stopped.code).toBe(130);
    expect(stopped.out).toMatch(/^stopped: \d+ records of .* are in the table .*run the same command again/m);
    const partial = await count(location);
    expect(partial).toBeGreaterThanOrEqual(2n);
    expect(partial).toBeLessThan(20n);
    // The reject seen before the stop is in the file already.
    expect(readFileSync(`${file}.rejects.jsonl`, "utf8")).toMatch(/"where":"line 3"/);

    const resumed = await cli([...args, "--batch-size", "2"]);
    expect(resumed.code).toBe(1);
    expect(resumed.out).toMatch(new RegExp(`${partial} records were already in the table from an earlier run`));
    const spark = await SparkSession.connect(remote());
    try {
      const [stats] = await (
        await spark.sql(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM delta.\`${location}\``)
      ).collect();
      expect(stats).toEqual({ n: 20n, ids: 20n });
    } finally {
      await spark.close();
    }
    const rejects = readFileSync(`${file}.rejects.jsonl`, "utf8").trim().split("\n");
    expect(rejects.map((l) => JSON.parse(l).where)).toEqual(["line 3", "line 22"]);
  });

  test("rejects keep the input, with sensitive fields redacted as errors redact them", async () => {
    const location = tablePath("cli_redact");
    const file = join(dir, "orders.jsonl");
    const secret = "call me on +44 1234 567890";
    writeFileSync(
      file,
      [
        JSON.stringify({ orderId: "ord_1", customerNote: secret, total: "not a decimal" }),
        `{"orderId": "ord_2", "customerNote": "${secret}", broken`,
      ].join("\n"),
    );
    const orders = `${join(import.meta.dirname, "../../generated/shop/v1/order_lakehouse.ts")}#Order`;
    const { code } = await cli(["ingest", file, "--contract", orders, "--location", location, "--remote", remote()]);
    expect(code).toBe(1);
    const text = readFileSync(`${file}.rejects.jsonl`, "utf8");
    expect(text).not.toContain(secret);
    const [decodeReject, notJson] = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(decodeReject.input).toMatchObject({ orderId: "ord_1", customerNote: "[redacted]" });
    expect(notJson.input).toBe("[redacted: not JSON]");
    expect(Order.descriptor.fields.find((f) => f.name === "customerNote")?.sensitive).toBe(true);
  });

  test("a --table that is more than a table name is refused before anything runs", async () => {
    const error = await cli(["query", "--contract", CONTRACT, "--table", "victim --", "--remote", remote()]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  async function count(location: string): Promise<bigint> {
    const spark = await SparkSession.connect(remote());
    try {
      return await new RecordTable(spark, BasicTestRecord, { location }).count();
    } finally {
      await spark.close();
    }
  }
});

describe("the CLI with a token", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ auth: true, memory: "1g", log: () => {} });
  });
  afterAll(async () => {
    if (server?.started) await stop(server.name, () => {});
  });

  test("never prints the token, in output or errors", async () => {
    const token = /token=([^;]+)/.exec(server.remote)?.[1] ?? "";
    expect(token.length).toBeGreaterThan(10);
    const location = join(server.warehouse, `cli_token_${Date.now()}`);
    const file = join(mkdtempSync(join(tmpdir(), "cli-")), "in.jsonl");
    writeFileSync(file, `${JSON.stringify({ id: "1", name: "holder" })}\n${JSON.stringify({ id: "nope" })}\n`);
    const runs = [
      await cli(["ingest", file, "--contract", CONTRACT, "--location", location, "--remote", server.remote]),
      await cli(["table", "describe", "--contract", CONTRACT, "--location", location, "--remote", server.remote]),
    ];
    for (const r of runs) expect(r.out).not.toContain(token);
    expect(readFileSync(`${file}.rejects.jsonl`, "utf8")).not.toContain(token);
    const wrong = `sc://127.0.0.1:${server.port}/;token=WRONG-${token};use_ssl=false`;
    const error = await cli(["query", "--contract", CONTRACT, "--location", location, "--remote", wrong]).catch(
      (e: unknown) => e,
    );
    expect(String(error)).not.toContain(token);
    expect(String(error)).toMatch(/AuthError|UNAUTHENTICATED|PERMISSION_DENIED/);
  });
});
