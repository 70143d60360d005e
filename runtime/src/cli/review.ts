/**
 * `lakehouse review`: contract review for pull requests, built on `@lakehouse-contracts/review` (an optional peer
 * dependency, loaded only by this command, so the runtime installs and runs without it).
 *
 *   lakehouse review --against <git-ref|dir|image.binpb> [--contracts contracts] [--format markdown|json]
 *                    [--allow-breaking] [--apply --remote sc://… [--location-prefix /lake]] [--buf PATH]
 *
 * Prints the review (Markdown for a PR comment, or JSON) and exits 1 on breaking changes unless --allow-breaking.
 * Dry run by default: --apply runs each table's checks, then its migration SQL, against the remote.
 */
import { type Command, Option } from "commander";
import { InvalidArgumentError } from "../errors.js";
import { parseConnectionString } from "../spark/connection-string.js";
import { SparkSession } from "../spark/session.js";

type ReviewLibrary = typeof import("@lakehouse-contracts/review");
type TableMigration = import("@lakehouse-contracts/review").TableMigration;
type ReviewReport = import("@lakehouse-contracts/review").ReviewReport;

/** The optional peer this command runs on. */
const REVIEW_PACKAGE = "@lakehouse-contracts/review";

async function loadLibrary(): Promise<ReviewLibrary> {
  try {
    return await import("@lakehouse-contracts/review");
  } catch (error) {
    // Not installed (or one of its own dependencies is missing): say what to install. Any other failure is a bug of
    // the package, reported as it is.
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new InvalidArgumentError(
      `lakehouse review needs ${REVIEW_PACKAGE}: npm install -D ${REVIEW_PACKAGE} (${(error as Error).message.split("\n")[0]})`,
      { cause: error },
    );
  }
}

export interface ReviewOptions {
  readonly against: string;
  readonly contracts: string;
  readonly format: "markdown" | "json";
  readonly allowBreaking: boolean;
  readonly apply: boolean;
  readonly remote?: string;
  readonly locationPrefix?: string;
  readonly buf?: string;
}

/** Adds `review` to the CLI's program; `done` receives the command's exit code. */
export function addReviewCommand(
  program: Command,
  out: NodeJS.WritableStream,
  done: (code: number) => void,
  help: { examples: (lines: readonly string[]) => string },
): Command {
  return program
    .command("review")
    .summary("review contract changes for a pull request: safe, needs migration or breaking, with the SQL")
    .description(
      "Diff the contracts against an earlier version (a git ref, a directory or a buf image), classify every change " +
        "for the lakehouse (safe, needs migration, breaking), and print the Delta migration SQL each table needs. " +
        `Needs ${REVIEW_PACKAGE} (npm install -D ${REVIEW_PACKAGE}). A dry run unless --apply.`,
    )
    .requiredOption(
      "--against <ref>",
      "the version to compare with: a git ref (origin/main), a directory or a buf image",
    )
    .option("--contracts <dir>", "the folder of the buf module with the contracts (its buf.yaml)", "contracts")
    .addOption(
      new Option("--format <format>", "markdown, for a PR comment, or json, for programs")
        .choices(["markdown", "json"])
        .default("markdown"),
    )
    .option("--allow-breaking", "exit 0 even with breaking changes (and let --apply apply them)", false)
    .option("--apply", "run each table's checks, then its migration SQL, against the server", false)
    .option("--remote <sc-url>", "the Spark Connect server for --apply (default: $SPARK_REMOTE)")
    .option("--location-prefix <path>", "path tables live under this folder, one per table name (for --apply)")
    .option("--buf <path>", "the buf executable to build the contracts with (default: buf from PATH or node_modules)")
    .addHelpText(
      "after",
      help.examples([
        "lakehouse review --against origin/main                 # Markdown for the PR comment; exit 1 on breaking",
        "lakehouse review --against v1.4.0 --format json",
        'lakehouse review --against origin/main --apply --remote "$SPARK_REMOTE" --location-prefix /lake',
      ]),
    )
    .action(async (opts: Record<string, unknown>) => {
      done(
        await review(
          {
            against: opts.against as string,
            contracts: opts.contracts as string,
            format: opts.format as "markdown" | "json",
            allowBreaking: opts.allowBreaking === true,
            apply: opts.apply === true,
            ...(typeof opts.remote === "string" ? { remote: opts.remote } : {}),
            ...(typeof opts.locationPrefix === "string" ? { locationPrefix: opts.locationPrefix } : {}),
            ...(typeof opts.buf === "string" ? { buf: opts.buf } : {}),
          },
          out,
        ),
      );
    });
}

export async function review(options: ReviewOptions, out: NodeJS.WritableStream): Promise<number> {
  const lib = await loadLibrary();
  const build = { contracts: options.contracts, ...(options.buf === undefined ? {} : { buf: options.buf }) };
  const prefix = options.locationPrefix;
  let report: ReturnType<ReviewLibrary["reviewContracts"]>;
  try {
    const before = lib.loadContracts(lib.parseContractSource(options.against), build);
    const after = lib.loadContracts(undefined, build);
    report = lib.reviewContracts(before, after, {
      ...(prefix === undefined ? {} : { target: lib.underLocation(prefix) }),
    });
  } catch (error) {
    // A source that cannot be read or built is the user's input to fix: a message, not a stack.
    if (lib.isReviewError(error)) throw new InvalidArgumentError(error.message, { cause: error });
    throw error;
  }
  const allowBreaking = options.allowBreaking;
  out.write(
    options.format === "json"
      ? `${JSON.stringify(lib.reviewJson(report, { allowBreaking }), null, 2)}\n`
      : lib.reviewMarkdown(report, { allowBreaking, docs: lib.reviewDocs(report) }),
  );
  if (!options.apply) return lib.exitCodeOf(report, { allowBreaking });
  const remote = options.remote ?? process.env.SPARK_REMOTE;
  return applyReview(
    report,
    {
      allowBreaking,
      connect: () => {
        if (!remote) throw new InvalidArgumentError("--apply needs a server: pass --remote sc://… or set SPARK_REMOTE");
        return SparkSession.connect(parseConnectionString(remote));
      },
    },
    out,
  );
}

/**
 * `--apply`: refuses a review with breaking changes unless they are allowed (exit 1, without connecting), else
 * connects and runs the migrations (`applyMigrations`); the exit code, 0 when everything ran.
 */
export async function applyReview(
  report: Pick<ReviewReport, "verdict" | "migrations">,
  options: { readonly allowBreaking: boolean; readonly connect: () => Promise<SparkSession> },
  out: NodeJS.WritableStream,
): Promise<number> {
  if (report.verdict === "breaking" && !options.allowBreaking) {
    out.write("not applied: the review has breaking changes (pass --allow-breaking to apply anyway)\n");
    return 1;
  }
  const spark = await options.connect();
  try {
    return (await applyMigrations(spark, report.migrations, out)) ? 0 : 1;
  } finally {
    await spark.close();
  }
}

/**
 * Runs the migrations: every table's checks first (each must count 0 violating rows; for a failing one, the query
 * that lists its rows is printed), then each table's DDL or rewrite steps in order. Stops before any DDL when a
 * check fails, so nothing is changed; returns whether all ran.
 */
export async function applyMigrations(
  spark: SparkSession,
  migrations: readonly TableMigration[],
  out: NodeJS.WritableStream,
): Promise<boolean> {
  const failed: string[] = [];
  for (const migration of migrations) {
    for (const check of migration.statements.filter((s) => s.purpose === "check")) {
      const [row] = await (await spark.sql(check.sql)).collect();
      const violations = BigInt((Object.values(row ?? {})[0] as bigint | number | undefined) ?? 0);
      out.write(`check: ${check.why}: ${violations} rows\n`);
      if (violations === 0n) continue;
      if (check.rows !== undefined) out.write(`  the rows: ${check.rows}\n`);
      if (!failed.includes(migration.target)) failed.push(migration.target);
    }
  }
  if (failed.length > 0) {
    out.write(`stopped: existing rows of ${failed.join(", ")} violate the new contract; nothing was changed\n`);
    return false;
  }
  for (const migration of migrations) {
    out.write(`-- ${migration.target}${migration.rewrite ? " (rewrite)" : ""}\n`);
    for (const statement of migration.statements) {
      if (statement.purpose === "check") continue;
      if (statement.purpose === "manual") {
        out.write(`${statement.sql}\n`);
        continue;
      }
      out.write(`${statement.sql};\n`);
      await (await spark.sql(statement.sql)).collect();
    }
  }
  return true;
}
