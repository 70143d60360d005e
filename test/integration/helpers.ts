/** Shared helpers for integration tests: a session on the test server and unique table paths. */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { type SessionOptions, SparkSession } from "../../runtime/src/index.js";

export function remote(): string {
  return inject("sparkRemote");
}

export function connect(options: SessionOptions = {}): Promise<SparkSession> {
  return SparkSession.connect(remote(), options);
}

/** A fresh folder for a Delta table: under the local server's warehouse, or a temp folder the server can see. */
export function tablePath(prefix = "t"): string {
  const warehouse = inject("sparkWarehouse");
  const base = warehouse || mkdtempSync(join(tmpdir(), "lakehouse-"));
  return join(base, `${prefix}_${randomUUID().replaceAll("-", "")}`);
}

/** `delta.\`path\`` with backticks in the path escaped. */
export function deltaPath(path: string): string {
  return `delta.\`${path.replaceAll("`", "``")}\``;
}
