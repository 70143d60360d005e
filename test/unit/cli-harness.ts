/** Runs the `lakehouse` bin as users run it: plain `node` (no TypeScript loader), colours off, no SPARK_REMOTE. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const root = join(import.meta.dirname, "../..");
export const bin = join(root, "runtime/bin/lakehouse.js");

export function lakehouse(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", SPARK_REMOTE: "", ...options.env },
    timeout: 60_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
