/**
 * The rejects file of an ingest (`<file>.rejects.jsonl`), written as rejects are found (an interrupted run leaves
 * those it saw), one JSON object a line: `{ where, issues, input? }`, with the input of sensitive fields redacted as
 * errors redact them. Created on the first reject.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { RecordIssue } from "../records/errors.js";
import { hasSensitiveFields, redactJson } from "../records/redact-json.js";
import type { CliRecordClass } from "./contract.js";

export class RejectsFile {
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
      const rule = issue.ruleId ?? issue.message.replace(/\s*\(.*$/, "").replace(/^(not (?:JSON|CSV)): .*/, "$1");
      this.#rules.set(rule, (this.#rules.get(rule) ?? 0) + 1);
    }
    const entry = {
      ...reject,
      ...("input" in reject && reject.input !== undefined ? { input: this.#redacted(reject.input) } : {}),
    };
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
