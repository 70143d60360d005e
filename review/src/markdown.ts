/**
 * The review as a pull-request comment (Markdown) and as JSON: changes grouped by severity, the migration SQL per
 * table (rewrites marked), and the catalogue diff when both versions' docs are given.
 */
import { contractsMarkdown } from "@lakehouse-contracts/protoc-gen-lakehouse";
import { type Change, SEVERITIES, type Severity } from "./changes.js";
import type { ReviewReport } from "./review.js";

const HEADINGS: Readonly<Record<Severity, string>> = {
  breaking: "🛑 Breaking",
  "needs-migration": "⚠️ Needs migration",
  safe: "✅ Safe",
};

const REWRITE_NOTE =
  "> Delta cannot make this change in place: the rows are copied aside, the table gets the new schema (a catalog " +
  "table by `CREATE OR REPLACE TABLE`; a path table is emptied and replaced by a `SHALLOW CLONE` of an empty table " +
  "with the new schema), and the rows are copied back. Readers see the table empty in between; the copy stays " +
  "until you delete it.";

export interface MarkdownOptions {
  /** The catalogue (generated/CONTRACTS.md) before and after, for a diff section. */
  readonly docs?: { readonly before: string; readonly after: string };
  readonly allowBreaking?: boolean;
}

/**
 * The catalogue of both versions, as `buf generate` with `docs=CONTRACTS.md` writes it (generated/CONTRACTS.md),
 * for `MarkdownOptions.docs`.
 */
export function reviewDocs(report: ReviewReport): { before: string; after: string } {
  return { before: contractsMarkdown(report.before.files), after: contractsMarkdown(report.after.files) };
}

export function reviewMarkdown(report: ReviewReport, options: MarkdownOptions = {}): string {
  const lines: string[] = ["## Contract review", ""];
  const counts = SEVERITIES.map((s) => `${report.changes.filter((c) => c.severity === s).length} ${s}`);
  if (report.verdict === "none") {
    lines.push("No changes to tables or wire format.", "");
  } else {
    lines.push(`**Verdict: ${report.verdict}** (${counts.join(", ")})`, "");
    if (report.verdict === "breaking") {
      lines.push(
        options.allowBreaking
          ? "> Breaking changes are allowed for this run (`--allow-breaking`)."
          : "> This fails the check: readers, writers or existing rows break. Pass `--allow-breaking` if that is intended.",
        "",
      );
    }
  }
  for (const severity of SEVERITIES) {
    const group = report.changes.filter((c) => c.severity === severity);
    if (group.length === 0) continue;
    lines.push(`### ${HEADINGS[severity]} (${group.length})`, "");
    for (const c of group) lines.push(`- ${c.text} <sub>${c.kind}</sub>`);
    lines.push("");
  }
  if (report.migrations.length > 0) {
    lines.push("### Migration (Delta)", "");
    for (const m of report.migrations) {
      lines.push(`**${m.target}** (\`${m.typeName}\`)${m.rewrite ? " — **REWRITE: not in place**" : ""}`, "");
      if (m.rewrite) lines.push(REWRITE_NOTE, "");
      lines.push("```sql");
      for (const s of m.statements) {
        lines.push(`-- ${s.purpose}: ${s.why}`);
        lines.push(s.purpose === "manual" ? s.sql : `${s.sql};`);
        if (s.rows !== undefined) lines.push(`-- the rows it counts: ${s.rows};`);
      }
      lines.push("```", "");
    }
  }
  if (options.docs !== undefined && options.docs.before !== options.docs.after) {
    lines.push("<details><summary>Catalogue diff (CONTRACTS.md)</summary>", "", "```diff");
    lines.push(...lineDiff(options.docs.before, options.docs.after), "```", "", "</details>", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The report as JSON-ready data (no descriptors): verdict, changes, migrations. */
export function reviewJson(report: ReviewReport, options: { allowBreaking?: boolean } = {}): unknown {
  return {
    verdict: report.verdict,
    allowBreaking: options.allowBreaking ?? false,
    changes: report.changes.map((c: Change) => ({
      kind: c.kind,
      severity: c.severity,
      subject: c.subject,
      text: c.text,
      ...(c.path === undefined ? {} : { path: c.path }),
      ...(c.oldPath === undefined ? {} : { oldPath: c.oldPath }),
      ...(c.rule === undefined ? {} : { rule: c.rule }),
    })),
    migrations: report.migrations,
  };
}

/**
 * A unified-style line diff by longest common subsequence: changed lines only (`-` before `+`), each run of them
 * under an `@@ <heading> @@` line naming the Markdown heading (`## …`) it falls under.
 */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let heading: string | undefined;
  let inHunk = false;
  const changed = (line: string) => {
    if (!inHunk) out.push(heading === undefined ? "@@" : `@@ ${heading} @@`);
    inHunk = true;
    out.push(line);
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      if (a[i]!.startsWith("## ")) heading = a[i];
      inHunk = false;
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      changed(`- ${a[i++]}`);
    } else {
      if (b[j]!.startsWith("## ")) heading = b[j];
      changed(`+ ${b[j++]}`);
    }
  }
  return out;
}
