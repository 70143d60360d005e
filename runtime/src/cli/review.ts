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
import { parseArgs } from "node:util";
import { InvalidArgumentError } from "../errors.js";
import { parseConnectionString } from "../spark/connection-string.js";
import { SparkSession } from "../spark/session.js";

type ReviewLibrary = typeof import("@lakehouse-contracts/review");
type TableMigration = import("@lakehouse-contracts/review").TableMigration;
type ReviewReport = import("@lakehouse-contracts/review").ReviewReport;

/** The optional peer this command runs on. */
const REVIEW_PACKAGE = "@lakehouse-contracts/review";

export const REVIEW_USAGE = `usage: lakehouse review --against <git-ref|dir|image.binpb> [--contracts DIR] [--format markdown|json]
  [--allow-breaking] [--apply --remote sc://… [--location-prefix PATH]] [--buf PATH]`;

async function loadLibrary(): Promise<ReviewLibrary> {
  try {
    return await import("@lakehouse-contracts/review");
  } catch (error) {
    // Not installed (or one of its own dependencies is missing): say what to install. Any other failure is a bug of
    // the package, reported as it is.
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new InvalidArgumentError(
      `lakehouse review needs ${REVIEW_PACKAGE}: npm install -D ${REVIEW_PACKAGE} (${(error as Error).message})`,
      { cause: error },
    );
  }
}

export async function review(argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      against: { type: "string" },
      contracts: { type: "string", default: "contracts" },
      format: { type: "string", default: "markdown" },
      "allow-breaking": { type: "boolean", default: false },
      apply: { type: "boolean", default: false },
      remote: { type: "string" },
      "location-prefix": { type: "string" },
      buf: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    out.write(`${REVIEW_USAGE}\n`);
    return 0;
  }
  if (!values.against) throw new InvalidArgumentError(`--against is required\n${REVIEW_USAGE}`);
  if (values.format !== "markdown" && values.format !== "json") {
    throw new InvalidArgumentError(`--format must be markdown or json, not "${values.format}"`);
  }
  const lib = await loadLibrary();
  const build = { contracts: values.contracts, ...(values.buf === undefined ? {} : { buf: values.buf }) };
  const prefix = values["location-prefix"];
  let report: ReturnType<ReviewLibrary["reviewContracts"]>;
  try {
    const before = lib.loadContracts(lib.parseContractSource(values.against), build);
    const after = lib.loadContracts(undefined, build);
    report = lib.reviewContracts(before, after, {
      ...(prefix === undefined ? {} : { target: lib.underLocation(prefix) }),
    });
  } catch (error) {
    // A source that cannot be read or built is the user's input to fix: a message, not a stack.
    if (lib.isReviewError(error)) throw new InvalidArgumentError(error.message, { cause: error });
    throw error;
  }
  const allowBreaking = values["allow-breaking"];
  out.write(
    values.format === "json"
      ? `${JSON.stringify(lib.reviewJson(report, { allowBreaking }), null, 2)}\n`
      : lib.reviewMarkdown(report, { allowBreaking, docs: lib.reviewDocs(report) }),
  );
  if (!values.apply) return lib.exitCodeOf(report, { allowBreaking });
  const remote = values.remote ?? process.env.SPARK_REMOTE;
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
 * Runs the migrations: for each table its checks first (each must count 0 violating rows), then its DDL or rewrite
 * steps in order. Stops at the first table whose checks fail, before any of its DDL; returns whether all ran.
 */
export async function applyMigrations(
  spark: SparkSession,
  migrations: readonly TableMigration[],
  out: NodeJS.WritableStream,
): Promise<boolean> {
  for (const migration of migrations) {
    out.write(`-- ${migration.target}${migration.rewrite ? " (rewrite)" : ""}\n`);
    let failed = false;
    for (const check of migration.statements.filter((s) => s.purpose === "check")) {
      const [row] = await (await spark.sql(check.sql)).collect();
      const violations = BigInt((Object.values(row ?? {})[0] as bigint | number | undefined) ?? 0);
      out.write(`check: ${check.why}: ${violations} rows\n`);
      if (violations !== 0n) failed = true;
    }
    if (failed) {
      out.write(`stopped: existing rows of ${migration.target} violate the new contract; nothing was changed\n`);
      return false;
    }
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
