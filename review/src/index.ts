/**
 * `@lakehouse-contracts/review`: contract review for pull requests. Diffs two contract versions, classifies every
 * change for the lakehouse (safe, needs migration, breaking), plans the Delta migration SQL and prints the result as
 * Markdown or JSON. Built on the plugin's model (`@lakehouse-contracts/protoc-gen-lakehouse/model`), so a contract is
 * reviewed exactly as `buf generate` maps it, and on the type model the runtime uses (`@lakehouse-contracts/schema`:
 * Spark types, DDL, quoting), so migrated tables match the ones it creates. The `lakehouse review` command of the
 * runtime's CLI is built on it.
 */

export { type SparkType, sparkTypeSql } from "@lakehouse-contracts/schema";
export { type Change, type ChangeKind, isWireChange, SEVERITIES, SEVERITY, type Severity } from "./changes.js";
export {
  type BuildOptions,
  buildImage,
  type ContractSource,
  loadContracts,
  parseContractSource,
} from "./contract-source.js";
export { isReviewError, ReviewError, type ReviewErrorCode } from "./errors.js";
export { lineDiff, type MarkdownOptions, reviewDocs, reviewJson, reviewMarkdown } from "./markdown.js";
export { type MigrationStatement, planMigrations, type StatementPurpose, type TableMigration } from "./migration.js";
export { exitCodeOf, type ReviewOptions, type ReviewReport, reviewContracts } from "./review.js";
export type { ColumnSnapshot, ContractSnapshot, TableSnapshot } from "./snapshot.js";
export { byContractName, type TableTarget, underLocation } from "./table-sql.js";
