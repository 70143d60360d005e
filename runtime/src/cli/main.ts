/**
 * `lakehouse`: ingest files into a contract's Delta table, query and tail it, create, describe and print it, list
 * the contracts, review contract changes. `lakehouse --help` and `lakehouse <command> --help` say everything; the
 * parser is commander.
 *
 * `--contract` is a message's full name (`shop.v1.Order`, found through buf.gen.yaml) or a generated module and its
 * export (`./gen/shop/v1/order_lakehouse.ts#Order`, `.ts` as generated or compiled `.js`): see contract.ts. The
 * remote comes from --remote or SPARK_REMOTE; its token is never printed.
 *
 * `ingest` is exactly-once per file: its app id derives from the table, the file's content and the batch size
 * (or is `--app-id`), and batch k is txnVersion k, so running it again after a failure or Ctrl-C writes only what
 * the earlier run had not committed. The first Ctrl-C stops any command cleanly (ingest after the batch in flight,
 * with the rejects seen so far written); a second one exits at once.
 *
 * Exit codes: 0 done; 1 done, with rejected records (ingest) or a table that does not match or does not exist
 * (describe); 2 an error (bad usage, bad input, no server); 130 stopped by Ctrl-C. Errors are one line,
 * `lakehouse: <message>`; `--debug` adds the stack.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { descriptorRecords, sparkTypeText, structFields } from "@lakehouse-contracts/schema";
import { Command, CommanderError, Option } from "commander";
import { InvalidArgumentError, isCancelledError, isInvalidArgumentError, isLakehouseError } from "../errors.js";
import { createTableSql } from "../records/table-sql.js";
import { describeConnection, parseConnectionString } from "../spark/connection-string.js";
import { SparkSession } from "../spark/session.js";
import { isTableSchemaMismatchError } from "../tables/errors.js";
import type { Filter } from "../tables/filter.js";
import { RecordTable } from "../tables/record-table.js";
import { Stager, type StagingOptions } from "../tables/stager.js";
import { TableTarget } from "../tables/table-target.js";
import { VERSION } from "../version.js";
import { type CliRecordClass, generatedMessages, loadContract, loadGenerated, shownPath } from "./contract.js";
import {
  clip,
  FORMATS,
  formatRecords,
  formatRows,
  formatTable,
  type OutputFormat,
  type OutputOptions,
  style,
  terminalWidth,
  useColor,
} from "./output.js";
import { IngestProgress } from "./progress.js";
import { RejectsFile } from "./rejects.js";
import { addReviewCommand } from "./review.js";
import { readRecords, SOURCE_FORMATS, sourceFormat } from "./sources.js";
import { parseAge, type StagingFlags, stagingEndpointOption, stagingOf, stagingOption } from "./staging.js";
import { parseWhere } from "./where.js";

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

const EXIT_CODES = `
Exit codes:
  0    done
  1    done, but records were rejected (ingest), or the table does not exist or does not match the contract (describe)
  2    an error: a wrong flag, a contract that does not load, a file that cannot be read, no server, …
  130  stopped by Ctrl-C (a second Ctrl-C exits at once)`;

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

/** What a command runs with. */
interface Context {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly signal: AbortSignal | undefined;
  readonly stop: AbortSignal | undefined;
  readonly cwd: string;
  code: number;
}

interface TableFlags {
  contract: string;
  location?: string;
  table?: string;
  remote?: string;
}

function positiveInteger(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} must be a positive integer, not ${JSON.stringify(text)}`);
    }
    return n;
  };
}

const contractOption = () =>
  new Option(
    "--contract <contract>",
    "the record class: a message's full name (shop.v1.Order, found through the buf.gen.yaml of this folder or a " +
      "parent) or a generated module and its export (./gen/shop/v1/order_lakehouse.ts#Order; .ts as generated, or .js)",
  ).makeOptionMandatory();
const locationOption = () =>
  new Option("--location <path>", "the Delta table at this path (default: the contract's table name, in the catalog)");
const tableOption = () =>
  new Option("--table <name>", "the table by name, [catalog.][schema.]table (default: the contract's table option)");
const remoteOption = () =>
  new Option("--remote <sc-url>", "the Spark Connect server, sc://host:port/;token=… (default: $SPARK_REMOTE)");
const formatOption = () =>
  new Option(
    "--format <format>",
    "how to print: table (one line per row, or one block per row when that is wider than the terminal), json, jsonl or csv",
  )
    .choices(FORMATS)
    .default("table");

function withTableOptions(command: Command, remote = true): Command {
  command.addOption(contractOption()).addOption(locationOption()).addOption(tableOption());
  if (remote) command.addOption(remoteOption());
  return command;
}

function buildProgram(ctx: Context): Command {
  const width = terminalWidth(ctx.out as { columns?: number });
  const program = new Command("lakehouse")
    .description(
      "Protobuf record contracts in a Spark (Delta) lakehouse, over Spark Connect: load files into a contract's " +
        "table (validated, exactly once), read it back typed, create and describe it, review contract changes.",
    )
    .version(VERSION, "-V, --version", "print the version of lakehouse and exit")
    .option("--debug", "on an error, print its stack (and its causes') as well as the one-line message")
    .helpOption("-h, --help", "show the help of lakehouse, or of a command")
    .helpCommand("help [command]", "show the help of a command")
    .configureHelp({ showGlobalOptions: true, helpWidth: Math.min(width, 120) })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.out.write(text),
      writeErr: (text) => ctx.err.write(text),
      outputError: () => {},
    })
    .addHelpText(
      "after",
      `${examples([
        "lakehouse ingest orders.jsonl --contract shop.v1.Order --location /lake/orders",
        `lakehouse query --contract shop.v1.Order --location /lake/orders --where '{"salesChannel":"SALES_CHANNEL_WEB"}'`,
        "lakehouse tail --contract ./gen/shop/v1/order_lakehouse.ts#Order --location /lake/orders -n 20 --follow",
        "lakehouse table describe --contract shop.v1.Order --location /lake/orders",
        "lakehouse contracts",
      ])}
The server is --remote or $SPARK_REMOTE (sc://host:port/;token=…); a token is never printed.
Each command has its own help: lakehouse ingest --help.
${EXIT_CODES}`,
    );

  withTableOptions(
    program
      .command("ingest")
      .summary("load a file's records into the contract's table, validated, exactly once")
      .description(
        "Read a file's records, decode each with the contract's class (strict proto3 JSON), check its rules, and " +
          "append the valid ones to the table in batches, one Delta commit each. Rejected records are written with " +
          "their reasons to the rejects file as they are found (sensitive fields redacted). Exactly once per file: " +
          "the same file, table and batch size run again (after an error or Ctrl-C) writes only what is missing. " +
          "Progress goes to stderr, the summary to stdout.",
      )
      .argument("<file>", `the records: a ${SOURCE_FORMATS} file (CSV: a header row of column or field names)`),
  )
    .option("--rejects <file>", "where to write the rejected records and their reasons (default: <file>.rejects.jsonl)")
    .option(
      "--batch-size <n>",
      "records per Delta commit; a re-run resumes only with the same size",
      positiveInteger("--batch-size"),
      10_000,
    )
    .option(
      "--app-id <id>",
      "the writer's id for exactly-once commits (default: derived from the table, the file's content and the batch size)",
    )
    .addOption(stagingOption())
    .addOption(stagingEndpointOption())
    .addOption(
      new Option(
        "--path <path>",
        "how batches reach the table: bulk (staged as Parquet in --staging, read by the executors), direct (through " +
          "the session), or auto (bulk for batches of 16 MiB of Arrow data and more, when --staging is given)",
      )
        .choices(["auto", "direct", "bulk"])
        .default("auto"),
    )
    .addHelpText(
      "after",
      `${examples([
        "lakehouse ingest orders.jsonl --contract shop.v1.Order --location /lake/orders",
        "lakehouse ingest day.parquet --contract shop.v1.Order --location s3a://lake/orders --staging s3://lake/_staging --path bulk --batch-size 50000",
        "lakehouse ingest export.csv --contract ./gen/shop/v1/order_lakehouse.ts#Order --table shop.orders --rejects bad.jsonl",
        "lakehouse ingest day.parquet --contract shop.v1.Order --location /lake/orders --batch-size 50000",
      ])}${EXIT_CODES}`,
    )
    .action(async (file: string, opts: IngestFlags) => {
      ctx.code = await ingest(file, opts, ctx);
    });

  withTableOptions(
    program
      .command("query")
      .summary("print the rows of the contract's table that match a filter")
      .description(
        "Read rows of the table as the contract's records and print them. --where is a JSON filter on fields " +
          '(by field or column name): a value ({"status":"STATUS_PAID"}), a comparison ({"total":{"gte":"100.00"}}: ' +
          'eq, ne, gt, gte, lt, lte, in, isNull), and "and", "or", "not". Sensitive fields print as [redacted].',
      ),
  )
    .option(
      "--where <json>",
      'only the rows that match this JSON filter, e.g. \'{"orderId":{"in":["ord_1","ord_2"]}}\'',
    )
    .option("--limit <n>", "print at most this many rows", positiveInteger("--limit"), 100)
    .addOption(formatOption())
    .addHelpText(
      "after",
      `${examples([
        `lakehouse query --contract shop.v1.Order --location /lake/orders --where '{"total":{"gte":"100.00"}}' --limit 10`,
        `lakehouse query --contract shop.v1.Order --table shop.orders --where '{"or":[{"status":"STATUS_PAID"},{"status":"STATUS_SHIPPED"}]}'`,
        "lakehouse query --contract shop.v1.Order --location /lake/orders --format jsonl > orders.jsonl",
      ])}${EXIT_CODES}`,
    )
    .action(async (opts: TableFlags & { where?: string; limit: number; format: OutputFormat }) => {
      ctx.code = await query(opts, ctx);
    });

  withTableOptions(
    program
      .command("tail")
      .summary("print the latest rows of the table, and with --follow the new ones as they arrive")
      .description(
        "Print the last rows of the table by ingest id (time-ordered: the contract needs a field with the ingest id " +
          "role) and, with --follow, poll every 2 seconds for newer ones until Ctrl-C.",
      ),
  )
    .option("-n, --lines <n>", "how many of the latest rows to print first", positiveInteger("--lines"), 10)
    .option("--follow", "keep printing rows as they are inserted, until Ctrl-C", false)
    .addOption(formatOption())
    .addHelpText(
      "after",
      `${examples([
        "lakehouse tail --contract shop.v1.Order --location /lake/orders -n 20",
        "lakehouse tail --contract shop.v1.Order --location /lake/orders --follow --format jsonl",
      ])}${EXIT_CODES}`,
    )
    .action(async (opts: TableFlags & { lines: number; follow: boolean; format: OutputFormat }) => {
      ctx.code = await tail(opts, ctx);
    });

  const table = program
    .command("table")
    .summary("create, describe or print the CREATE TABLE of the contract's table")
    .description("The contract's Delta table: create it, describe it (and check it matches), or print its DDL.")
    .addHelpText(
      "after",
      examples([
        "lakehouse table create --contract shop.v1.Order --location /lake/orders",
        "lakehouse table describe --contract shop.v1.Order --location /lake/orders",
        "lakehouse table sql --contract shop.v1.Order",
      ]),
    );
  withTableOptions(
    table
      .command("create")
      .description(
        "Create the table from the contract (CREATE TABLE with NOT NULL, comments, partitioning or clustering) if it " +
          "does not exist; if it does, check that its schema matches the contract.",
      ),
  )
    .addHelpText(
      "after",
      `${examples(["lakehouse table create --contract shop.v1.Order --location /lake/orders"])}${EXIT_CODES}`,
    )
    .action(async (opts: TableFlags) => {
      ctx.code = await tableCreate(opts, ctx);
    });
  withTableOptions(
    table
      .command("describe")
      .description(
        "Print the table's columns (Spark type, NOT NULL, primary key, partitioning or clustering, sensitive, " +
          "comment), its CHECK constraints, whether its schema matches the contract, and its row count.",
      ),
  )
    .addOption(formatOption())
    .addHelpText(
      "after",
      `${examples([
        "lakehouse table describe --contract shop.v1.Order --location /lake/orders",
        "lakehouse table describe --contract shop.v1.Order --table shop.orders --format json",
      ])}${EXIT_CODES}`,
    )
    .action(async (opts: TableFlags & { format: OutputFormat }) => {
      ctx.code = await tableDescribe(opts, ctx);
    });
  withTableOptions(
    table
      .command("sql")
      .description(
        "Print the CREATE TABLE statement of the contract's table, as `table create` runs it (no server needed).",
      ),
    false,
  )
    .addHelpText(
      "after",
      `${examples([
        "lakehouse table sql --contract shop.v1.Order",
        "lakehouse table sql --contract ./gen/shop/v1/order_lakehouse.ts#Order --location /lake/orders",
      ])}${EXIT_CODES}`,
    )
    .action(async (opts: TableFlags) => {
      const cls = await loadContract(opts.contract, ctx.cwd);
      ctx.out.write(`${createTableSql(cls.descriptor, where(opts))}\n`);
      ctx.code = 0;
    });

  program
    .command("staging")
    .summary("the bulk path's object storage: remove what crashed loads left there")
    .description("Files that `lakehouse ingest --staging` (or RecordTable's staging) puts into object storage.")
    .command("clean")
    .description(
      "Remove the staged Parquet files older than --older-than under the staging prefix: what a load that crashed " +
        "between an upload and its commit left behind (a running load removes its own files once each commit ends; " +
        "none is younger than a commit takes, so the default day is safe). Needs no Spark server.",
    )
    .addOption(stagingOption().makeOptionMandatory())
    .addOption(stagingEndpointOption())
    .option("--older-than <age>", "only files older than this: 90s, 30m, 24h, 7d", "24h")
    .addHelpText(
      "after",
      `${examples([
        "lakehouse staging clean --staging s3://lake/_staging",
        "lakehouse staging clean --staging s3://lake/_staging --staging-endpoint http://127.0.0.1:9000 --older-than 1h",
      ])}${EXIT_CODES}`,
    )
    .action(async (opts: StagingFlags & { olderThan: string }) => {
      ctx.code = await cleanStaging(opts, ctx);
    });

  program
    .command("contracts")
    .summary("list the record classes buf generate wrote, with the --contract to name each")
    .description(
      "List the messages the protoc-gen-lakehouse plugin of the buf.gen.yaml here (or in a parent folder) " +
        "generated record classes for: their full name (what --contract takes), module and export, and table.",
    )
    .option("--all", "also list the nested messages that are not tables", false)
    .addOption(formatOption())
    .addHelpText(
      "after",
      `${examples(["lakehouse contracts", "lakehouse contracts --all --format json"])}${EXIT_CODES}`,
    )
    .action(async (opts: { all: boolean; format: OutputFormat }) => {
      ctx.code = await contracts(opts, ctx);
    });

  addReviewCommand(
    program,
    ctx.out,
    (code) => {
      ctx.code = code;
    },
    { examples },
  ).addHelpText("after", EXIT_CODES);
  return program;
}

/**
 * Runs one command. `signal` cancels it (the bin aborts it on the first Ctrl-C): a query or a tail stops, and
 * an ingest stops after the batch being written, as it also does when only `stop` aborts. Help goes to `out`, and
 * typed errors are thrown (the bin prints them, one line each).
 */
export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  signal?: AbortSignal,
  stop?: AbortSignal,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const ctx: Context = { out, err, signal, stop, cwd: process.cwd(), code: 0 };
  const program = buildProgram(ctx);
  if (argv.length === 0) {
    out.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
    // Help shown because a command needs a subcommand (`lakehouse table`): on stderr, a usage error.
    if (error.code === "commander.help") return error.exitCode === 0 ? 0 : 2;
    const path = commandPath(program, argv);
    const hint =
      error.code === "commander.unknownCommand" ? "lakehouse --help" : `lakehouse ${path} --help`.replace("  ", " ");
    throw new InvalidArgumentError(`${error.message.replace(/^error: /, "").replace(/\n+/g, " ")} (see ${hint})`, {
      cause: error,
    });
  }
  return ctx.code;
}

/** The command words of `argv` (`table describe`), for a hint. */
function commandPath(program: Command, argv: readonly string[]): string {
  const words: string[] = [];
  let command: Command | undefined = program;
  for (const arg of argv) {
    const sub: Command | undefined = command?.commands.find((c) => c.name() === arg);
    if (sub === undefined) break;
    words.push(arg);
    command = sub;
  }
  return words.join(" ");
}

function where(opts: TableFlags): { location?: string; tableName?: string } {
  return {
    ...(opts.location === undefined ? {} : { location: opts.location }),
    ...(opts.table === undefined ? {} : { tableName: opts.table }),
  };
}

function outputOptions(ctx: Context, format: OutputFormat): OutputOptions {
  const stream = ctx.out as { isTTY?: boolean; columns?: number };
  return { format, width: terminalWidth(stream), color: useColor(stream) };
}

/**
 * Loads the contract, checks the table flags and the flags `prepare` checks (before anything connects), connects,
 * and runs `body` on the table; the session is closed after it.
 */
async function withTable<P>(
  opts: TableFlags,
  ctx: Context,
  prepare: (cls: CliRecordClass) => P | Promise<P>,
  body: (
    table: RecordTable<object>,
    prepared: P,
    extra: { cls: CliRecordClass; spark: SparkSession; server: string },
  ) => Promise<number>,
  connectSignal: AbortSignal | undefined = ctx.signal,
  staging?: (prepared: P) => StagingOptions | undefined,
): Promise<number> {
  const cls = await loadContract(opts.contract, ctx.cwd);
  // The table's name and location are checked before anything connects.
  new TableTarget(cls.descriptor, where(opts));
  const prepared = await prepare(cls);
  const remote = opts.remote ?? process.env.SPARK_REMOTE;
  if (!remote) throw new InvalidArgumentError("no Spark Connect server: pass --remote sc://… or set SPARK_REMOTE");
  const config = parseConnectionString(remote);
  const spark = await SparkSession.connect(config, { signal: connectSignal });
  try {
    const store = staging?.(prepared);
    const table = new RecordTable(spark, cls, { ...where(opts), ...(store === undefined ? {} : { staging: store }) });
    return await body(table, prepared, { cls, spark, server: describeConnection(config) });
  } finally {
    await spark.close();
  }
}

type IngestFlags = TableFlags &
  StagingFlags & { rejects?: string; batchSize: number; appId?: string; path: "auto" | "direct" | "bulk" };

async function ingest(file: string, opts: IngestFlags, ctx: Context): Promise<number> {
  const { signal, stop, out } = ctx;
  const prepare = async () => {
    if (opts.path === "bulk" && opts.staging === undefined) {
      throw new InvalidArgumentError("--path bulk needs --staging s3://bucket[/prefix]");
    }
    if (sourceFormat(file) === undefined) throw new InvalidArgumentError(`${file}: use a ${SOURCE_FORMATS} file`);
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new InvalidArgumentError(`${file} is not a file`);
      size = stat.size;
    } catch (error) {
      if (isInvalidArgumentError(error)) throw error;
      throw new InvalidArgumentError(
        `${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
      );
    }
    return { size, staging: await stagingOf(opts) };
  };
  // Until an ingest starts writing, its stop ends it as a cancel does.
  return withTable(
    opts,
    ctx,
    prepare,
    async (table, { size }, { cls, server }) => {
      const batchSize = opts.batchSize;
      await table.ensureTable({ signal: signal ?? stop });
      // The same file, table and batch size: the same app id, so a second run resumes instead of writing twice.
      const appId =
        opts.appId ?? `lakehouse-ingest-${await ingestKey(file, String(table.target), batchSize, signal ?? stop)}`;
      const ending = stop === undefined ? signal : signal === undefined ? stop : AbortSignal.any([signal, stop]);
      const rejects = new RejectsFile(opts.rejects ?? `${file}.rejects.jsonl`, cls);
      const progress = new IngestProgress({
        file,
        totalBytes: size,
        ...(ctx.err === process.stderr ? {} : { stream: ctx.err as NodeJS.WriteStream }),
      });
      const meter = { bytes: 0 };
      let read = 0;
      let committed = { batches: 0, inserted: 0, resumed: 0 };
      async function* valid() {
        for await (const item of readRecords(file, cls, meter)) {
          read++;
          if (!item.ok) rejects.add({ where: item.where, input: item.input, issues: item.issues });
          else {
            const issues = cls.check?.(item.record) ?? [];
            if (issues.length > 0) rejects.add({ where: item.where, issues });
            else yield item.record;
          }
          progress.update({ bytes: meter.bytes, records: read, rejects: rejects.count });
        }
      }
      let result: Awaited<ReturnType<RecordTable<object>["insertStream"]>>;
      try {
        result = await table.insertStream(valid(), {
          batchSize,
          appId,
          firstVersion: 1,
          path: opts.path,
          onInvalid: "skip",
          ...(ending === undefined ? {} : { stop: ending }),
          onProgress: (p) => {
            committed = p;
          },
          onRejected: (batch) => {
            for (const r of batch) rejects.add({ where: "encoding", issues: r.issues });
          },
        });
      } finally {
        progress.stop();
        rejects.close();
      }
      const commits = result.batches + result.resumedBatches;
      out.write(
        `table ${table.target} on ${server}: ${result.inserted} accepted, ${rejects.count} rejected ` +
          `(${read} read, ${commits} ${commits === 1 ? "commit" : "commits"})\n`,
      );
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
    },
    signal ?? stop,
    (prepared) => prepared.staging,
  );
}

async function cleanStaging(opts: StagingFlags & { olderThan: string }, ctx: Context): Promise<number> {
  const age = parseAge(opts.olderThan);
  const staging = (await stagingOf(opts)) as StagingOptions;
  const stager = new Stager(staging);
  try {
    await stager.check(ctx.signal);
    const removed = await stager.clean(age);
    for (const key of removed) ctx.out.write(`removed ${key}\n`);
    ctx.out.write(
      `${removed.length} staged ${removed.length === 1 ? "file" : "files"} older than ${opts.olderThan} removed from ${opts.staging}\n`,
    );
    return 0;
  } finally {
    await stager.close();
  }
}

/** sha256 (hex, 32 characters) of the table, the batch size and the file's content. */
async function ingestKey(file: string, table: string, batchSize: number, signal: AbortSignal | undefined) {
  const hash = createHash("sha256").update(`${table}\n${batchSize}\n`);
  for await (const chunk of createReadStream(file, signal === undefined ? {} : { signal })) hash.update(chunk);
  return hash.digest("hex").slice(0, 32);
}

async function query(
  opts: TableFlags & { where?: string; limit: number; format: OutputFormat },
  ctx: Context,
): Promise<number> {
  return withTable(
    opts,
    ctx,
    (cls) => (opts.where === undefined ? undefined : parseWhere(cls.descriptor, opts.where)),
    async (table, filter, { cls }) => {
      const records = await table.query(filter, { limit: opts.limit, signal: ctx.signal });
      const output = outputOptions(ctx, opts.format);
      const text = formatRecords(cls.descriptor, records, output);
      ctx.out.write(text === "" ? "" : `${text}\n`);
      if (opts.format === "table" && records.length > 0) {
        ctx.out.write(`(${records.length} ${records.length === 1 ? "row" : "rows"})\n`);
      }
      return 0;
    },
  );
}

async function tail(
  opts: TableFlags & { lines: number; follow: boolean; format: OutputFormat },
  ctx: Context,
): Promise<number> {
  const { signal, out } = ctx;
  return withTable(
    opts,
    ctx,
    (cls) => {
      const idField = cls.descriptor.fields.find((f) => f.role === "ingest_id");
      if (!idField) {
        throw new InvalidArgumentError(
          `${cls.descriptor.typeName} has no ingest id field to order by (a string field with (lakehouse.v1.field).role = ROLE_INGEST_ID)`,
        );
      }
      return idField;
    },
    async (table, idField, { cls }) => {
      const output = outputOptions(ctx, opts.format);
      const latest = await table.query(undefined, {
        limit: opts.lines,
        orderBy: [{ field: idField.name, descending: true }],
        signal,
      });
      latest.reverse();
      let printed = latest.length;
      const text = formatRecords(cls.descriptor, latest, output);
      if (text !== "") out.write(`${text}\n`);
      let last = (latest.at(-1) as Record<string, unknown> | undefined)?.[idField.name] as string | undefined;
      // Poll for rows with a later (time-ordered) ingest id until the signal ends the follow.
      while (opts.follow && !signal?.aborted) {
        const stopped = await delay(2000, false, { signal }).catch(() => true);
        if (stopped) break;
        const filter = (last === undefined ? {} : { [idField.name]: { gt: last } }) as Filter<object>;
        const fresh = await table
          .query(filter, { orderBy: [{ field: idField.name }], signal })
          .catch((error: unknown) => {
            if (signal?.aborted) return undefined; // Ctrl-C while polling: the follow ends
            throw error;
          });
        if (fresh === undefined) break;
        if (fresh.length > 0) {
          out.write(`${followText(cls, fresh, output, printed)}\n`);
          printed += fresh.length;
          last = (fresh.at(-1) as Record<string, unknown>)[idField.name] as string;
        }
      }
      return 0;
    },
  );
}

/** The next rows of a `tail --follow`: no header again; blocks numbered on. */
function followText(cls: CliRecordClass, records: readonly object[], output: OutputOptions, printed: number): string {
  if (output.format !== "table") {
    return formatRecords(cls.descriptor, records, output.format === "json" ? { ...output, format: "jsonl" } : output)
      .split("\n")
      .slice(output.format === "csv" ? 1 : 0)
      .join("\n");
  }
  const text = formatRecords(cls.descriptor, records, output);
  const [first = ""] = text.split("\n");
  // A horizontal table: its rows without the header and its rule.
  if (!first.includes("record 1")) return text.split("\n").slice(2).join("\n");
  return text.replace(/record (\d+)/g, (_m, n: string) => `record ${Number(n) + printed}`);
}

async function tableCreate(opts: TableFlags, ctx: Context): Promise<number> {
  return withTable(
    opts,
    ctx,
    () => undefined,
    async (table) => {
      ctx.out.write(`table ${table.target}: ${await table.ensureTable({ signal: ctx.signal })}\n`);
      return 0;
    },
  );
}

async function tableDescribe(opts: TableFlags & { format: OutputFormat }, ctx: Context): Promise<number> {
  const { signal, out } = ctx;
  return withTable(
    opts,
    ctx,
    () => undefined,
    async (table, _prepared, { cls }) => {
      if (!(await table.exists({ signal }))) {
        out.write(
          `table ${table.target} does not exist (create it with: lakehouse table create --contract ${opts.contract}${
            opts.location === undefined ? "" : ` --location ${opts.location}`
          }${opts.table === undefined ? "" : ` --table ${opts.table}`})\n`,
        );
        return 1;
      }
      const d = cls.descriptor;
      const columns = structFields(d.fields, descriptorRecords);
      const layout = d.table;
      const key = (column: string) =>
        [
          layout?.primaryKey?.includes(column) ? "primary key" : "",
          layout?.partitionBy?.includes(column) ? "partition" : "",
          layout?.clusterBy?.includes(column) ? "cluster" : "",
        ]
          .filter(Boolean)
          .join(", ");
      const constraints = await table.constraints({ signal });
      let schema = "matches the contract";
      let code = 0;
      try {
        await table.checkSchema({ signal });
      } catch (error) {
        if (!isTableSchemaMismatchError(error)) throw error;
        schema = error.message;
        code = 1;
      }
      const rows = await table.count(undefined, { signal });
      const output = outputOptions(ctx, opts.format);
      if (opts.format !== "table") {
        const headers = ["column", "type", "nullable", "key", "sensitive", "comment"];
        const data = d.fields.map((f, i) => [
          f.column,
          sparkTypeText(columns[i]?.type ?? { kind: "atomic", name: "STRING" }),
          columns[i]?.nullable ?? true,
          key(f.column) || null,
          f.sensitive === true,
          f.comment ?? null,
        ]);
        if (opts.format === "csv") out.write(`${formatRows(headers, data, output)}\n`);
        else {
          const info = {
            table: String(table.target),
            contract: d.typeName,
            columns: data.map((r) => Object.fromEntries(headers.map((h, i) => [h, r[i] ?? null]))),
            partitionedBy: layout?.partitionBy ?? [],
            clusteredBy: layout?.clusterBy ?? [],
            constraints,
            schema,
            rows: Number(rows),
          };
          out.write(`${opts.format === "json" ? JSON.stringify(info, null, 2) : JSON.stringify(info)}\n`);
        }
        return code;
      }
      const s = style(output.color);
      out.write(`${s.bold(`table ${table.target}`)} (${d.typeName})${layout?.comment ? `: ${layout.comment}` : ""}\n`);
      const cells = d.fields.map((f, i) => [
        f.column,
        sparkTypeText(columns[i]?.type ?? { kind: "atomic", name: "STRING" }),
        columns[i]?.nullable === false ? "NOT NULL" : "",
        key(f.column),
        f.sensitive ? "sensitive" : "",
        f.comment ?? "",
      ]);
      // The comments get what is left of the terminal's width (at least 12 characters).
      const headers = ["column", "type", "null", "key", "sensitive", "comment"];
      const used = headers
        .slice(0, 5)
        .map((h, i) => Math.max(h.length, ...cells.map((row) => Math.min(32, (row[i] ?? "").length))) + 2)
        .reduce((a, b) => a + b, 0);
      for (const row of cells) row[5] = clip(row[5] ?? "", Math.max(12, output.width - used));
      out.write(`${formatTable(headers, cells, { ...output, wide: true })}\n`);
      if (layout?.partitionBy?.length) out.write(`partitioned by: ${layout.partitionBy.join(", ")}\n`);
      if (layout?.clusterBy?.length) out.write(`clustered by: ${layout.clusterBy.join(", ")}\n`);
      const checks = new Map((layout?.checks ?? []).map((c) => [c.name.toLowerCase(), c]));
      for (const [name, expression] of Object.entries(constraints)) {
        const check = checks.get(name.toLowerCase());
        const rule = check === undefined ? "" : ` (${check.field}: ${check.rule})`;
        out.write(`constraint ${name}${rule}: ${expression}\n`);
      }
      out.write(`schema: ${code === 0 ? s.green(schema) : s.red(schema)}\n`);
      out.write(`rows: ${rows}\n`);
      return code;
    },
  );
}

async function contracts(opts: { all: boolean; format: OutputFormat }, ctx: Context): Promise<number> {
  const { messages } = await generatedMessages(ctx.cwd);
  const rows: string[][] = [];
  for (const message of messages) {
    const cls = await loadGenerated(message, ctx.cwd);
    const table = cls.descriptor.table;
    if (table === undefined && !opts.all) continue;
    const name = table === undefined ? "" : [table.catalog, table.schema, table.name].filter(Boolean).join(".");
    rows.push([message.typeName, `${shownPath(message.file, ctx.cwd)}#${message.exportName}`, name]);
  }
  const output = outputOptions(ctx, opts.format);
  const headers = ["message", "contract", "table"];
  ctx.out.write(
    `${
      opts.format === "table"
        ? formatTable(headers, rows, { ...output, wide: true, cellWidth: 200 })
        : formatRows(headers, rows, output)
    }\n`,
  );
  return 0;
}

/** An error as the one line the bin prints (the message of a typed error; the kind and message of any other). */
export function errorLine(error: unknown): string {
  // Typed errors carry a readable message and never a credential.
  if (isLakehouseError(error)) return error.message;
  const e = error as NodeJS.ErrnoException;
  // A file the user named: its own message (`ENOENT: no such file or directory, open 'x'`).
  if (error instanceof Error && typeof e.code === "string" && typeof e.syscall === "string") return e.message;
  if (error instanceof Error) {
    return `${error.name}: ${error.message.split("\n")[0]} (an unexpected error: run with --debug for its stack, and report it)`;
  }
  return String(error);
}

/** The stack of an error and of its causes (not those of gRPC errors, whose metadata may hold a token). */
function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (depth > 0 && "metadata" in current) break;
    parts.push(`${depth > 0 ? "caused by: " : ""}${current.stack ?? `${current.name}: ${current.message}`}`);
    current = current.cause;
  }
  return parts.join("\n");
}

/**
 * Where the bin's signal listener forwards Ctrl-C (it installs one before loading this module and keeps it): `count`
 * is how many arrived so far; `run` sets `listener`.
 */
export interface SignalHub {
  readonly count: number;
  listener: (() => void) | undefined;
}

/**
 * The bin's entry: runs the command of `process.argv`, sets `process.exitCode`, prints an error as one line. With
 * the bin's `hub`, Ctrl-C comes through it (those that arrived while loading count); without, `run` listens itself.
 */
export async function run(hub?: SignalHub): Promise<void> {
  // The first Ctrl-C (or SIGTERM) stops the command cleanly; a second one exits at once.
  const cancel = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(EXIT_INTERRUPTED);
    process.stderr.write("lakehouse: stopping (Ctrl-C again to exit at once)…\n");
    cancel.abort();
  };
  if (hub === undefined) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  } else {
    hub.listener = onSignal;
    for (let i = 0; i < Math.min(hub.count, 2); i++) onSignal();
  }
  const args = process.argv.slice(2);
  const debug = args.includes("--debug") || /^(1|true|yes)$/i.test(process.env.LAKEHOUSE_DEBUG ?? "");
  try {
    // Ingest stops after the batch in flight (on `stop`) rather than interrupting it: only a query is cancelled.
    const ingesting = args.find((a) => !a.startsWith("-")) === "ingest";
    process.exitCode = await main(
      args,
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
    process.stderr.write(`lakehouse: ${errorLine(error)}\n`);
    if (debug) process.stderr.write(`${stackOf(error)}\n`);
    process.exitCode = 2;
  } finally {
    if (hub === undefined) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    } else {
      hub.listener = undefined;
    }
  }
}
