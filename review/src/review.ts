/**
 * Contract review: two contract versions in, every change out with its severity for the lakehouse, the Delta
 * migration for each table, and the verdict CI acts on. I/O-free: the caller loads the registries (see
 * contract-source.ts) and prints the report (markdown.ts, or JSON).
 *
 * @example
 * const report = reviewContracts(loadContracts(parseContractSource("main"), { contracts: "contracts" }),
 *                                loadContracts(undefined, { contracts: "contracts" }));
 * process.exitCode = report.verdict === "breaking" ? 1 : 0;
 */
import type { FileRegistry } from "@bufbuild/protobuf";
import { type Change, type Severity, worstSeverity } from "./changes.js";
import { diffTables } from "./diff-tables.js";
import { diffWire } from "./diff-wire.js";
import { planMigrations, type TableMigration } from "./migration.js";
import { type ContractSnapshot, snapshotContracts } from "./snapshot.js";
import { byContractName, type TableTarget } from "./table-sql.js";

export interface ReviewOptions {
  /** How the migration SQL addresses tables (default: by the contract's catalog, schema and name). */
  readonly target?: TableTarget;
}

export interface ReviewReport {
  /** `none` when nothing changed. */
  readonly verdict: Severity | "none";
  /** Table changes first (per table, in contract order), then wire changes. */
  readonly changes: readonly Change[];
  readonly migrations: readonly TableMigration[];
  /** The snapshots compared (for docs and printing). */
  readonly before: ContractSnapshot;
  readonly after: ContractSnapshot;
}

export function reviewContracts(before: FileRegistry, after: FileRegistry, options: ReviewOptions = {}): ReviewReport {
  const old = snapshotContracts(before, "old");
  const next = snapshotContracts(after, "new");
  const tableChanges = diffTables(old, next);
  const changes = [...tableChanges, ...diffWire(old, next)];
  return {
    verdict: worstSeverity(changes) ?? "none",
    changes,
    migrations: planMigrations(old, next, tableChanges, options.target ?? byContractName),
    before: old,
    after: next,
  };
}

/** The exit code for CI: 1 on breaking changes (unless allowed), else 0. */
export function exitCodeOf(report: ReviewReport, options: { allowBreaking?: boolean } = {}): number {
  return report.verdict === "breaking" && !options.allowBreaking ? 1 : 0;
}
