/** Run a child process and fail with a readable message (the command and its output) when it fails. */
import { spawnSync } from "node:child_process";

export class CommandFailedError extends Error {
  override readonly name = "CommandFailedError";
}

export interface RunOptions {
  cwd?: string;
  /** Print the child's output as it runs instead of capturing it. */
  inherit?: boolean;
}

export function run(cmd: string, args: readonly string[], options: RunOptions = {}): string {
  const result = spawnSync(cmd, args, {
    cwd: options.cwd,
    encoding: "utf8",
    stdio: options.inherit ? "inherit" : "pipe",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new CommandFailedError(`could not run ${cmd}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new CommandFailedError(`${cmd} ${args.join(" ")} exited with ${result.status}\n${output}`);
  }
  return result.stdout ?? "";
}

/** True when `cmd` can be started (used to say clearly what a fresh machine is missing). */
export function hasCommand(cmd: string, versionArg = "--version"): boolean {
  const result = spawnSync(cmd, [versionArg], { stdio: "ignore" });
  return !result.error;
}
