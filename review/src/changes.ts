/**
 * What review reports: one `Change` per difference between two contract versions, with its kind, its severity for
 * the lakehouse, and what the DDL generator needs. Severity is a function of the kind (`SEVERITY`), in one table.
 */
import type { SparkType } from "@lakehouse-contracts/schema";

export type Severity = "safe" | "needs-migration" | "breaking";

export const SEVERITIES: readonly Severity[] = ["breaking", "needs-migration", "safe"];

/** Table-level changes (the lakehouse's view) and wire-level ones (agreeing with `buf breaking`'s WIRE_JSON). */
export type ChangeKind =
  | "table-added"
  | "table-removed"
  | "table-renamed"
  | "table-comment-changed"
  | "table-constraints-changed"
  | "column-added"
  | "column-added-not-null"
  | "column-removed"
  | "column-renamed"
  | "column-type-widened"
  | "column-type-changed"
  | "column-nullability-relaxed"
  | "column-nullability-tightened"
  | "column-comment-changed"
  | "column-sensitivity-changed"
  | "primary-key-changed"
  | "partitioning-changed"
  | "clustering-changed"
  | "validation-tightened"
  | "validation-relaxed"
  | "field-removed"
  | "field-number-reused"
  | "field-renamed"
  | "field-type-changed"
  | "field-cardinality-changed"
  | "field-oneof-changed"
  | "enum-value-added"
  | "enum-value-removed"
  | "enum-value-renumbered"
  | "enum-value-renamed";

export const SEVERITY: Readonly<Record<ChangeKind, Severity>> = {
  "table-added": "safe",
  "table-removed": "breaking",
  "table-renamed": "breaking",
  "table-comment-changed": "safe",
  // The table refuses what the new contract allows, or takes what it refuses, until its constraints are migrated;
  // whether existing rows break a tightened rule is the rule's change (validation-tightened).
  "table-constraints-changed": "needs-migration",
  "column-added": "safe",
  "column-added-not-null": "needs-migration",
  "column-removed": "breaking",
  "column-renamed": "needs-migration",
  "column-type-widened": "safe",
  "column-type-changed": "breaking",
  // Writing a NULL fails until the column's NOT NULL is dropped.
  "column-nullability-relaxed": "needs-migration",
  "column-nullability-tightened": "needs-migration",
  "column-comment-changed": "safe",
  "column-sensitivity-changed": "safe",
  "primary-key-changed": "needs-migration",
  "partitioning-changed": "needs-migration",
  "clustering-changed": "needs-migration",
  "validation-tightened": "needs-migration",
  "validation-relaxed": "safe",
  "field-removed": "breaking",
  "field-number-reused": "breaking",
  "field-renamed": "breaking",
  "field-type-changed": "breaking",
  "field-cardinality-changed": "breaking",
  "field-oneof-changed": "breaking",
  "enum-value-added": "safe",
  "enum-value-removed": "breaking",
  "enum-value-renumbered": "breaking",
  "enum-value-renamed": "breaking",
};

/** Whether a change is about a table (`table-*`, `column-*`, keys, layout, rules) or about the wire format. */
export function isWireChange(kind: ChangeKind): boolean {
  return kind.startsWith("field-") || kind.startsWith("enum-");
}

export interface Change {
  readonly kind: ChangeKind;
  readonly severity: Severity;
  /** Message or enum full name (for a table: its message). */
  readonly subject: string;
  /** One sentence, Markdown: what changed and why it has this severity. */
  readonly text: string;
  /** Column path in the new contract (nested struct fields below their column). */
  readonly path?: readonly string[];
  /** Column path in the old contract, where it differs (renames) or the column is gone. */
  readonly oldPath?: readonly string[];
  /** The column's type in the new contract. */
  readonly type?: SparkType;
  /** The column's comment in the new contract (comment changes). */
  readonly comment?: string;
  /** The rule path (validation changes), e.g. `string.min_len`, and its value after the change. */
  readonly rule?: { readonly path: string; readonly value?: string };
}

export function change(kind: ChangeKind, subject: string, text: string, extra: Partial<Change> = {}): Change {
  return { kind, severity: SEVERITY[kind], subject, text, ...extra };
}

export function worstSeverity(changes: readonly Change[]): Severity | undefined {
  return SEVERITIES.find((s) => changes.some((c) => c.severity === s));
}
