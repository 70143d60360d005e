/**
 * A bench peer or reader in a process of its own: JSON arguments on stdin, one JSON result on the last line of
 * stdout (bench/python/*.py, bench/go/main.go, read-child.ts, typed-read-child.ts). Its own process, so its RSS is
 * the reader's alone.
 */
import { spawn } from "node:child_process";

/** Runs `command args…` with `input` as JSON on stdin; resolves the JSON of its last stdout line. */
export function runJsonChild<T>(
  label: string,
  command: string,
  args: readonly string[],
  input: unknown,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { ...options, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${label} exited with ${code}:\n${stderr.slice(-4000)}`));
      const last = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${label} printed no JSON result:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
