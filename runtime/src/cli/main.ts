/**
 * `lakehouse`: ingest files into a contract's Delta table, query and tail it, create and describe it.
 *
 *   lakehouse ingest <file.jsonl|.json|.csv|.parquet> --contract <module>#<Class> [--location P | --table N]
 *                    [--remote sc://…] [--rejects rejects.jsonl] [--batch-size N] [--app-id ID]
 *   lakehouse query  --contract … [--where '{"id":{"gte":"3"}}'] [--limit N]
 *   lakehouse tail   --contract … [-n N] [--follow]
 *   lakehouse table create|describe --contract …
 *   lakehouse review --against <git-ref|dir|image> [--format markdown|json] [--allow-breaking] [--apply …]
 *
 * The remote comes from --remote or SPARK_REMOTE; its token is never printed.
 *
 * `ingest` is exactly-once per file: its app id derives from the table, the file's content and the batch size
 * (or is `--app-id`), and batch k is txnVersion k, so running it again after a failure or Ctrl-C writes only what
 * the earlier run had not committed. The first Ctrl-C stops any command cleanly (ingest after the batch in flight,
 * with the rejects seen so far written); a second one exits at once.
 *
 * Exit codes: 0 done; 1 done, with rejected records; 2 an error; 130 stopped by Ctrl-C.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, writeSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { InvalidArgumentError, isCancelledError, isLakehouseError } from "../errors.js";
import type { RecordDescriptor } from "../records/descriptor.js";
import type { RecordIssue } from "../records/errors.js";
import { hasSensitiveFields, redactJson } from "../records/redact-json.js";
import { describeConnection, parseConnectionString } from "../spark/connection-string.js";
import { SparkSession } from "../spark/session.js";
import { isTableSchemaMismatchError } from "../tables/errors.js";
import type { Filter } from "../tables/filter.js";
import { RecordTable } from "../tables/record-table.js";
import { type CliRecordClass, loadContract } from "./contract.js";
import { formatTable } from "./print-table.js";
import { Progress } from "./progress.js";
import { review } from "./review.js";
import { readRecords } from "./sources.js";

const USAGE = `usage: lakehouse <ingest FILE | query | tail | table create|describe> --contract <module>#<Class>
       lakehouse review --against <git-ref|dir|image> (see lakehouse review --help)
  [--location PATH | --table NAME] [--remote sc://…] [--where JSON] [--limit N] [-n N] [--follow]
  [--rejects FILE] [--batch-size N] [--app-id ID]`;

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs one command. `signal` cancels it (the bin aborts it on the first Ctrl-C): a query or a tail stops, and
 * an ingest stops after the batch being written, as it also does when only `stop` aborts.
 */
export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  signal?: AbortSignal,
  stop?: AbortSignal,
): Promise<number> {
  // `review` has options of its own and needs no contract class: see review.ts.
  if (argv[0] === "review") return await review(argv.slice(1), out);
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      contract: { type: "string" },
      location: { type: "string" },
      table: { type: "string" },
      remote: { type: "string" },
      where: { type: "string" },
      limit: { type: "string" },
      n: { type: "string", short: "n" },
      follow: { type: "boolean", default: false },
      rejects: { type: "string" },
      "batch-size": { type: "string" },
      "app-id": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    out.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (!values.contract) throw new InvalidArgumentError("--contract <module>#<Class> is required");
  const cls = await loadContract(values.contract);
  const remote = values.remote ?? process.env.SPARK_REMOTE;
  if (!remote) throw new InvalidArgumentError("no Spark Connect server: pass --remote sc://… or set SPARK_REMOTE");
  const config = parseConnectionString(remote);
  // Until an ingest starts writing, its stop ends it as a cancel does.
  const spark = await SparkSession.connect(config, { signal: signal ?? stop });
  const table = new RecordTable(spark, cls, {
    ...(values.location ? { location: values.location } : {}),
    ...(values.table ? { tableName: values.table } : {}),
  });
  try {
    switch (command) {
      case "ingest":
        if (!arg) throw new InvalidArgumentError("ingest needs a file");
        return await ingest(arg, cls, table, values, describeConnection(config), out, signal, stop);
      case "query": {
        const filter = values.where ? toFilter(cls.descriptor, parseJsonOption("--where", values.where)) : undefined;
        const records = await table.query(filter, { limit: Number(values.limit ?? 100), signal });
        out.write(`${formatTable(cls.descriptor, records)}\n(${records.length} rows)\n`);
        return 0;
      }
      case "tail":
        return await tail(cls, table, Number(values.n ?? 10), values.follow ?? false, out, signal);
      case "table":
        return await tableCommand(arg, cls, table, out, signal);
      default:
        throw new InvalidArgumentError(`unknown command "${command}"\n${USAGE}`);
    }
  } finally {
    await spark.close();
  }
}

async function ingest(
  file: string,
  cls: CliRecordClass,
  table: RecordTable<object>,
  values: { rejects?: string | undefined; "batch-size"?: string | undefined; "app-id"?: string | undefined },
  where: string,
  out: NodeJS.WritableStream,
  signal: AbortSignal | undefined,
  stop: AbortSignal | undefined,
): Promise<number> {
  const batchSize = Number(values["batch-size"] ?? 10_000);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError("--batch-size must be a positive integer");
  }
  await table.ensureTable({ signal: signal ?? stop });
  // The same file, table and batch size: the same app id, so a second run resumes instead of writing twice.
  const appId =
    values["app-id"] ?? `lakehouse-ingest-${await ingestKey(file, String(table.target), batchSize, signal ?? stop)}`;
  const ending = stop === undefined ? signal : signal === undefined ? stop : AbortSignal.any([signal, stop]);
  const progress = new Progress();
  const rejects = new RejectsFile(values.rejects ?? `${file}.rejects.jsonl`, cls);
  let read = 0;
  let committed = { batches: 0, inserted: 0, resumed: 0 };
  async function* valid() {
    for await (const item of readRecords(file, cls)) {
      read++;
      if (!item.ok) {
        rejects.add({ where: item.where, input: item.input, issues: item.issues });
        continue;
      }
      const issues = cls.check?.(item.record) ?? [];
      if (issues.length > 0) rejects.add({ where: item.where, issues });
      else yield item.record;
    }
  }
  let result: Awaited<ReturnType<RecordTable<object>["insertStream"]>>;
  try {
    result = await table.insertStream(valid(), {
      batchSize,
      appId,
      firstVersion: 1,
      onInvalid: "skip",
      ...(ending === undefined ? {} : { stop: ending }),
      onProgress: (p) => {
        committed = p;
        progress.update(`ingest: ${read} read, ${p.inserted + p.resumed} in the table, ${rejects.count} rejected`);
      },
      onRejected: (batch) => {
        for (const r of batch) rejects.add({ where: "encoding", issues: r.issues });
      },
    });
  } finally {
    rejects.close();
  }
  const inTable = result.inserted + result.resumed;
  const earlier = result.resumed > 0 ? ` (${result.resumed} of them committed by an earlier run)` : "";
  progress.done(
    `ingest: ${read} read, ${inTable} in the table in ${result.batches + result.resumedBatches} commits${earlier}, ${rejects.count} rejected`,
  );
  out.write(`table ${table.target} on ${where}: ${result.inserted} accepted, ${rejects.count} rejected\n`);
  if (result.resumed > 0) out.write(`${result.resumed} records were already in the table from an earlier run\n`);
  if (rejects.count > 0) {
    for (const [rule, count] of rejects.byRule()) out.write(`  ${count} × ${rule}\n`);
    out.write(`rejected records and their reasons: ${rejects.path}\n`);
  }
  if (result.stopped) {
    out.write(
      `stopped: ${committed.inserted + committed.resumed} records of ${file} are in the table (batches 1 to ` +
        `${result.lastTxnVersion ?? 0n} of app id ${appId}); run the same command again to finish the file — ` +
        "nothing is written twice\n",
    );
    return EXIT_INTERRUPTED;
  }
  return rejects.count > 0 ? 1 : 0;
}

/** sha256 (hex, 32 characters) of the table, the batch size and the file's content. */
async function ingestKey(file: string, table: string, batchSize: number, signal: AbortSignal | undefined) {
  const hash = createHash("sha256").update(`${table}\n${batchSize}\n`);
  for await (const chunk of createReadStream(file, signal === undefined ? {} : { signal })) hash.update(chunk);
  return hash.digest("hex").slice(0, 32);
}

/**
 * The rejects file, written as rejects are found (an interrupted run leaves those it saw), with the input of
 * sensitive fields redacted as errors redact them. Created on the first reject.
 */
class RejectsFile {
  #fd: number | undefined;
  #count = 0;
  readonly #rules = new Map<string, number>();
  readonly #sensitive: boolean;

  constructor(
    readonly path: string,
    private readonly cls: CliRecordClass,
  ) {
    this.#sensitive = hasSensitiveFields(cls.descriptor);
  }

  get count(): number {
    return this.#count;
  }

  add(reject: { where: string; input?: unknown; issues: readonly RecordIssue[] }): void {
    this.#count++;
    for (const issue of reject.issues) {
      const rule = (issue as { ruleId?: string }).ruleId ?? issue.message.replace(/\s*\(.*$/, "");
      this.#rules.set(rule, (this.#rules.get(rule) ?? 0) + 1);
    }
    const entry = { ...reject, ...("input" in reject ? { input: this.#redacted(reject.input) } : {}) };
    this.#fd ??= openSync(this.path, "w");
    writeSync(this.#fd, `${JSON.stringify(entry, (_k, v) => (typeof v === "bigint" ? String(v) : v))}\n`);
  }

  /** Rules broken, most often first. */
  byRule(): [string, number][] {
    return [...this.#rules].sort((a, b) => b[1] - a[1]);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** Text that is not JSON cannot be told apart: for a contract with sensitive fields it is not kept at all. */
  #redacted(input: unknown): unknown {
    if (typeof input === "string") return this.#sensitive ? "[redacted: not JSON]" : input;
    return redactJson(this.cls.descriptor, input);
  }
}

/** A JSON-valued option: a parse error names the option instead of throwing a SyntaxError. */
function parseJsonOption(option: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${option} is not JSON: ${(error as Error).message}`);
  }
}

async function tail(
  cls: CliRecordClass,
  table: RecordTable<object>,
  n: number,
  follow: boolean,
  out: NodeJS.WritableStream,
  signal: AbortSignal | undefined,
) {
  const idField = cls.descriptor.fields.find((f) => f.role === "ingest_id");
  if (!idField) throw new InvalidArgumentError(`${cls.descriptor.typeName} has no ingest id field to order by`);
  const latest = await table.query(undefined, {
    limit: n,
    orderBy: [{ field: idField.name, descending: true }],
    signal,
  });
  latest.reverse();
  out.write(`${formatTable(cls.descriptor, latest)}\n`);
  let last = (latest.at(-1) as Record<string, unknown> | undefined)?.[idField.name] as string | undefined;
  // Poll for rows with a later (time-ordered) ingest id until the signal ends the follow.
  while (follow && !signal?.aborted) {
    const stopped = await delay(2000, false, { signal }).catch(() => true);
    if (stopped) break;
    const filter = (last === undefined ? {} : { [idField.name]: { gt: last } }) as Filter<object>;
    const fresh = await table.query(filter, { orderBy: [{ field: idField.name }], signal }).catch((error: unknown) => {
      if (signal?.aborted) return undefined; // Ctrl-C while polling: the follow ends
      throw error;
    });
    if (fresh === undefined) break;
    if (fresh.length > 0) {
      out.write(`${formatTable(cls.descriptor, fresh).split("\n").slice(2).join("\n")}\n`);
      last = (fresh.at(-1) as Record<string, unknown>)[idField.name] as string;
    }
  }
  return 0;
}

async function tableCommand(
  sub: string | undefined,
  cls: CliRecordClass,
  table: RecordTable<object>,
  out: NodeJS.WritableStream,
  signal: AbortSignal | undefined,
) {
  if (sub === "create") {
    out.write(`table ${table.target}: ${await table.ensureTable({ signal })}\n`);
    return 0;
  }
  if (sub === "describe") {
    if (!(await table.exists({ signal }))) {
      out.write(`table ${table.target} does not exist (create it with: lakehouse table create)\n`);
      return 1;
    }
    const fields = cls.descriptor.fields;
    out.write(`table ${table.target} (${cls.descriptor.typeName})\n`);
    for (const f of fields) {
      out.write(
        `  ${f.column.padEnd(24)} ${f.nullable ? "" : "NOT NULL "}${f.sensitive ? "[sensitive] " : ""}${f.comment ?? ""}\n`,
      );
    }
    try {
      await table.checkSchema({ signal });
      out.write("schema: matches the contract\n");
    } catch (error) {
      if (!isTableSchemaMismatchError(error)) throw error;
      out.write(`${error.message}\n`);
      return 1;
    }
    out.write(`rows: ${await table.count(undefined, { signal })}\n`);
    return 0;
  }
  throw new InvalidArgumentError('use "table create" or "table describe"');
}

/** Filter JSON from the command line to typed values: int64 text → bigint, timestamps → Date. */
function toFilter(d: RecordDescriptor, json: unknown): Filter<object> {
  const convert = (name: string, value: unknown): unknown => {
    const field = d.fields.find((f) => f.name === name || f.column === name);
    if (!field || value === null || typeof value !== "object" || Array.isArray(value)) return coerce(field, value);
    return Object.fromEntries(
      Object.entries(value).map(([op, v]) => [
        op,
        Array.isArray(v) ? v.map((x) => coerce(field, x)) : op === "isNull" ? v : coerce(field, v),
      ]),
    );
  };
  const walk = (node: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        if (key === "and" || key === "or") return [key, (value as Record<string, unknown>[]).map(walk)];
        if (key === "not") return [key, walk(value as Record<string, unknown>)];
        const field = d.fields.find((f) => f.name === key || f.column === key);
        return [field?.name ?? key, convert(key, value)];
      }),
    );
  return walk(json as Record<string, unknown>) as Filter<object>;
}

function coerce(field: RecordDescriptor["fields"][number] | undefined, value: unknown): unknown {
  if (!field || value === null) return value;
  const t = field.type;
  const scalar = t.kind === "scalar" || t.kind === "wrapper" ? t.scalar : undefined;
  if (scalar && /64$/.test(scalar) && (typeof value === "string" || typeof value === "number")) {
    return integerOption(field.name, value);
  }
  if (t.kind === "timestamp" && typeof value === "string") return new Date(value);
  if (t.kind === "duration" && (typeof value === "string" || typeof value === "number")) {
    return integerOption(field.name, value);
  }
  return value;
}

/** An integer from --where: bounded text (no 64-bit value has more than 20 characters), else a typed error. */
function integerOption(field: string, value: string | number): bigint {
  const text = String(value);
  if (!/^-?\d{1,20}$/.test(text))
    throw new InvalidArgumentError(`--where: ${field} must be an integer, not ${text.slice(0, 24)}`);
  return BigInt(text);
}

export async function run(): Promise<void> {
  // The first Ctrl-C (or SIGTERM) stops the command cleanly; a second one exits at once.
  const cancel = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(EXIT_INTERRUPTED);
    process.stderr.write("lakehouse: stopping (Ctrl-C again to exit at once)…\n");
    cancel.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    // Ingest stops after the batch in flight (on `stop`) rather than interrupting it: only a query is cancelled.
    const ingesting = process.argv[2] === "ingest";
    process.exitCode = await main(
      process.argv.slice(2),
      process.stdout,
      ingesting ? undefined : cancel.signal,
      ingesting ? cancel.signal : undefined,
    );
  } catch (error) {
    if (cancel.signal.aborted && isCancelledError(error)) {
      process.stderr.write(`lakehouse: stopped: ${error.message}\n`);
      process.exitCode = EXIT_INTERRUPTED;
      return;
    }
    // Typed errors carry a readable message and never a credential; anything else is a bug worth its stack.
    process.stderr.write(
      `lakehouse: ${isLakehouseError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
