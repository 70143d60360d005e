/**
 * `lakehouse`: ingest files into a contract's Delta table, query and tail it, create and describe it.
 *
 *   lakehouse ingest <file.jsonl|.json|.csv|.parquet> --contract <module>#<Class> [--location P | --table N]
 *                    [--remote sc://…] [--rejects rejects.jsonl] [--batch-size N]
 *   lakehouse query  --contract … [--where '{"id":{"gte":"3"}}'] [--limit N]
 *   lakehouse tail   --contract … [-n N] [--follow]
 *   lakehouse table create|describe --contract …
 *   lakehouse review --against <git-ref|dir|image> [--format markdown|json] [--allow-breaking] [--apply …]
 *
 * The remote comes from --remote or SPARK_REMOTE; its token is never printed.
 */
import { writeFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { InvalidArgumentError, isLakehouseError } from "../errors.js";
import type { RecordDescriptor } from "../records/descriptor.js";
import type { RecordIssue } from "../records/errors.js";
import { describeConnection, parseConnectionString } from "../spark/connection-string.js";
import { SparkSession } from "../spark/session.js";
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
  [--rejects FILE] [--batch-size N]`;

/** Runs one command. `signal` ends `tail --follow` (the bin wires it to Ctrl-C); other commands run to completion. */
export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  signal?: AbortSignal,
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
  const spark = await SparkSession.connect(config);
  const table = new RecordTable(spark, cls, {
    ...(values.location ? { location: values.location } : {}),
    ...(values.table ? { tableName: values.table } : {}),
  });
  try {
    switch (command) {
      case "ingest":
        if (!arg) throw new InvalidArgumentError("ingest needs a file");
        return await ingest(arg, cls, table, values, describeConnection(config), out);
      case "query": {
        const filter = values.where ? toFilter(cls.descriptor, JSON.parse(values.where)) : undefined;
        const records = await table.query(filter, { limit: Number(values.limit ?? 100) });
        out.write(`${formatTable(cls.descriptor, records)}\n(${records.length} rows)\n`);
        return 0;
      }
      case "tail":
        return await tail(cls, table, Number(values.n ?? 10), values.follow ?? false, out, signal);
      case "table":
        return await tableCommand(arg, cls, table, out);
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
  values: { rejects?: string | undefined; "batch-size"?: string | undefined },
  where: string,
  out: NodeJS.WritableStream,
): Promise<number> {
  await table.ensureTable();
  const progress = new Progress();
  const rejects: { where: string; input?: unknown; issues: readonly RecordIssue[] }[] = [];
  let read = 0;
  async function* valid() {
    for await (const item of readRecords(file, cls)) {
      read++;
      if (!item.ok) {
        rejects.push({ where: item.where, input: item.input, issues: item.issues });
        continue;
      }
      const issues = cls.check?.(item.record) ?? [];
      if (issues.length > 0) rejects.push({ where: item.where, issues });
      else yield item.record;
    }
  }
  const result = await table.insertStream(valid(), {
    batchSize: Number(values["batch-size"] ?? 10_000),
    onInvalid: "skip",
    onProgress: (p) => progress.update(`ingest: ${read} read, ${p.inserted} written, ${rejects.length} rejected`),
    onRejected: (batch) => {
      for (const r of batch) rejects.push({ where: "encoding", issues: r.issues });
    },
  });
  progress.done(
    `ingest: ${read} read, ${result.inserted} written in ${result.batches} commits, ${rejects.length} rejected`,
  );
  out.write(`table ${table.target} on ${where}: ${result.inserted} accepted, ${rejects.length} rejected\n`);
  if (rejects.length > 0) {
    const byRule = new Map<string, number>();
    for (const r of rejects) {
      for (const issue of r.issues) {
        const rule = (issue as { ruleId?: string }).ruleId ?? issue.message.replace(/\s*\(.*$/, "");
        byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
      }
    }
    for (const [rule, count] of [...byRule].sort((a, b) => b[1] - a[1])) out.write(`  ${count} × ${rule}\n`);
    const rejectsFile = values.rejects ?? `${file}.rejects.jsonl`;
    writeFileSync(
      rejectsFile,
      `${rejects.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v))).join("\n")}\n`,
    );
    out.write(`rejected records and their reasons: ${rejectsFile}\n`);
    return 1;
  }
  return 0;
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
  const latest = await table.query(undefined, { limit: n, orderBy: [{ field: idField.name, descending: true }] });
  latest.reverse();
  out.write(`${formatTable(cls.descriptor, latest)}\n`);
  let last = (latest.at(-1) as Record<string, unknown> | undefined)?.[idField.name] as string | undefined;
  // Poll for rows with a later (time-ordered) ingest id until the signal ends the follow.
  while (follow && !signal?.aborted) {
    const stopped = await delay(2000, false, { signal }).catch(() => true);
    if (stopped) break;
    const filter = (last === undefined ? {} : { [idField.name]: { gt: last } }) as Filter<object>;
    const fresh = await table.query(filter, { orderBy: [{ field: idField.name }] });
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
) {
  if (sub === "create") {
    out.write(`table ${table.target}: ${await table.ensureTable()}\n`);
    return 0;
  }
  if (sub === "describe") {
    if (!(await table.exists())) {
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
      await table.checkSchema();
      out.write("schema: matches the contract\n");
    } catch (error) {
      out.write(`${(error as Error).message}\n`);
      return 1;
    }
    out.write(`rows: ${await table.count()}\n`);
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
  if (scalar && /64$/.test(scalar) && (typeof value === "string" || typeof value === "number")) return BigInt(value);
  if (t.kind === "timestamp" && typeof value === "string") return new Date(value);
  if (t.kind === "duration" && (typeof value === "string" || typeof value === "number")) return BigInt(value);
  return value;
}

export async function run(): Promise<void> {
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  try {
    process.exitCode = await main(process.argv.slice(2), process.stdout, stop.signal);
  } catch (error) {
    // Typed errors carry a readable message and never a credential; anything else is a bug worth its stack.
    process.stderr.write(
      `lakehouse: ${isLakehouseError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  }
}
