/**
 * The `lakehouse` CLI against the real server: ingest with rejects, query, tail, table create/describe; the README's
 * CLI examples run as written; what a new user tried (describe without types, a wide query on one line, the summary
 * printed twice, malformed files aborting or printing stacks).
 */
import { spawnSync } from "node:child_process";
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
  // A wide terminal: these rows print as a table (a narrower one shows them as one block per record).
  Object.assign(sink, { columns: 200 });
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
    expect(query.out).toMatch(/\(1 row\)/);
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

const root = join(import.meta.dirname, "../..");
const bin = join(root, "runtime/bin/lakehouse.js");

/** The bin as users run it (plain node, no TypeScript loader), stdout and stderr pipes (not a terminal). */
function lakehouse(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", SPARK_REMOTE: remote(), ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The `sh` blocks of a section of the README (from its heading to the next heading of the same or a higher level). */
function readmeShell(heading: string): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const rest = readme.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? "").split("\n"));
}

describe("the README's CLI examples, run as written", () => {
  test("every `npx lakehouse` line of the CLI section runs against the server", () => {
    const lines = readmeShell("### The `lakehouse` CLI").filter((l) => l.startsWith("npx lakehouse "));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    // The one change: the lake folder the examples name is a fresh one under the test server's warehouse.
    const lake = tablePath("readme_lake");
    const outputs: string[] = [];
    for (const line of lines) {
      const command = line.replaceAll("/tmp/lake", lake);
      const result = spawnSync("sh", ["-c", command], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", SPARK_REMOTE: remote() },
        timeout: 120_000,
      });
      expect(result.stderr, command).not.toMatch(/\n\s+at |Error:/);
      expect([0, 1], `${command}\n${result.stdout}${result.stderr}`).toContain(result.status);
      outputs.push(result.stdout);
    }
    const all = outputs.join("\n");
    expect(all).toMatch(/120 accepted, 0 rejected/);
    expect(all).toMatch(/order_id\s+ord_sample_/);
    expect(all).toMatch(/total_amount\s+DECIMAL\(18,2\)\s+NOT NULL/);
  });

  test("the README's `.js` spelling of a generated `.ts` contract works under plain node", () => {
    const file = join(mkdtempSync(join(tmpdir(), "cli-readme-")), "orders.jsonl");
    writeFileSync(
      file,
      readFileSync(join(root, "examples/backfill/orders.jsonl"), "utf8").split("\n").slice(0, 3).join("\n"),
    );
    const location = tablePath("cli_readme_js");
    const { code, stdout, stderr } = lakehouse([
      "ingest",
      file,
      "--contract",
      "./generated/shop/v1/order_lakehouse.js#Order",
      "--location",
      location,
    ]);
    expect(stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|\n\s+at /);
    expect(code).toBe(0);
    // The summary, once (it was printed twice: by the progress and by the command).
    expect(`${stdout}${stderr}`.match(/accepted/g)).toHaveLength(1);
    expect(stdout).toMatch(/: 3 accepted, 0 rejected/);
  });
});

describe("as a new user tried it", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-newcomer-"));
  const orders = readFileSync(join(root, "examples/backfill/orders.jsonl"), "utf8").trim().split("\n");

  test("table describe shows each column's type, nullability, partitioning and comment; sensitive marked", async () => {
    const location = tablePath("cli_describe");
    expect(lakehouse(["table", "create", "--contract", "shop.v1.Order", "--location", location]).code).toBe(0);
    const { code, stdout } = lakehouse(["table", "describe", "--contract", "shop.v1.Order", "--location", location]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^order_id\s+STRING\s+NOT NULL\s+primary key\s+Order id/m);
    expect(stdout).toMatch(/^sales_channel\s+STRING\s+NOT NULL\s+partition\b/m);
    expect(stdout).toMatch(/^total_amount\s+DECIMAL\(18,2\)\s+NOT NULL\s+Total due/m);
    expect(stdout).toMatch(/^customer_note\s+STRING\s+sensitive\b/m);
    expect(stdout).toMatch(/^lines\s+ARRAY<STRUCT</m);
    expect(stdout).toMatch(/partitioned by: sales_channel/);
    expect(stdout).toMatch(/schema: matches the contract/);
    expect(stdout).toMatch(/rows: 0/);
    // CHECK constraints of the table, whoever added them.
    const spark = await SparkSession.connect(remote());
    try {
      await spark.sql(`ALTER TABLE delta.\`${location}\` ADD CONSTRAINT positive_total CHECK (total_amount >= 0)`);
    } finally {
      await spark.close();
    }
    const again = lakehouse(["table", "describe", "--contract", "shop.v1.Order", "--location", location]);
    expect(again.stdout).toMatch(/constraint positive_total: total_amount >= 0/);
  });

  test("query of a 26-column Order in a terminal of unknown width: one block per record, no line over 100", () => {
    const file = join(dir, "few.jsonl");
    writeFileSync(file, `${orders.slice(0, 3).join("\n")}\n`);
    const location = tablePath("cli_wide");
    expect(lakehouse(["ingest", file, "--contract", "shop.v1.Order", "--location", location]).code).toBe(0);
    const { code, stdout } = lakehouse(["query", "--contract", "shop.v1.Order", "--location", location]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(stdout.match(/^─+ record \d+ ─*$/gm)).toHaveLength(3);
    expect(stdout).toMatch(/\(3 rows\)\n$/);
    const jsonl = lakehouse(["query", "--contract", "shop.v1.Order", "--location", location, "--format", "jsonl"]);
    expect(
      jsonl.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).orderId)
        .sort(),
    ).toEqual(["ord_sample_1", "ord_sample_2", "ord_sample_3"]);
  });

  test("a CSV row with a quoting error is a reject; the rows after it are written", async () => {
    const file = join(dir, "rows.csv");
    writeFileSync(file, 'id,name\n1,one\n2,"tw"o\n3,three\n4,"four\n5,five\n');
    const location = tablePath("cli_csv");
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
    expect(out).toMatch(/: 3 accepted, 2 rejected/);
    const rejects = readFileSync(`${file}.rejects.jsonl`, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rejects.map((r) => r.where)).toEqual(["row 3", "row 5"]);
  });

  test.each([
    ["empty", ""],
    ["truncated", '[{"id":"1","name":"a"},{"id":"2"'],
    ["binary", "\u0000\u0001\u0002\u00ff"],
  ])("a %s .json file: one reject naming the position, exit 1, no stack", (_what, content) => {
    const file = join(dir, `${_what}.json`);
    writeFileSync(file, content);
    const { code, stdout, stderr } = lakehouse([
      "ingest",
      file,
      "--contract",
      "lakehouse.test.v1.BasicTestRecord",
      "--location",
      tablePath("cli_json"),
    ]);
    expect(stderr).not.toMatch(/\n\s+at |SyntaxError/);
    expect(code).toBe(1);
    expect(stdout).toMatch(/: 0 accepted, 1 rejected/);
    const [reject] = readFileSync(`${file}.rejects.jsonl`, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(reject.where).toMatch(/^byte \d+ \(line \d+, column \d+\)$/);
  });

  test.each([
    ["empty", new Uint8Array()],
    ["corrupt", new Uint8Array([80, 65, 82, 49, 1, 2, 3, 80, 65, 82, 49])],
  ])("an %s Parquet file: one line, exit 2", (what, content) => {
    const file = join(dir, `${what}.parquet`);
    writeFileSync(file, content);
    const { code, stderr } = lakehouse([
      "ingest",
      file,
      "--contract",
      "lakehouse.test.v1.BasicTestRecord",
      "--location",
      tablePath("cli_parquet"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lakehouse: .*\.parquet: not a readable Parquet file/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
