/**
 * The Python peer as its users run it: python3.11, a venv with bench/python/requirements.txt (pinned), installed
 * once into .cache/bench/venv and reinstalled when the requirements change. Scripts print one JSON object.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, repoRoot } from "../../tools/lib/paths.js";
import { runJsonChild } from "../child.js";

const here = join(repoRoot, "bench", "python");
const venv = join(cacheDir, "bench", "venv");
const python = join(venv, "bin", "python");

/** Creates or updates the venv; returns the versions of pyspark-client and pyarrow. */
export function ensureVenv(log: (line: string) => void): { pyspark: string; pyarrow: string; python: string } {
  const requirements = join(here, "requirements.txt");
  const hash = createHash("sha256").update(readFileSync(requirements)).digest("hex");
  const stamp = join(venv, ".requirements.sha256");
  if (!existsSync(python) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== hash) {
    log(`bench: installing the Python peer (${requirements}) into ${venv}…`);
    mkdirSync(venv, { recursive: true });
    execFileSync(process.env.BENCH_PYTHON ?? "python3.11", ["-m", "venv", venv], { stdio: "inherit" });
    execFileSync(python, ["-m", "pip", "install", "--quiet", "-r", requirements], { stdio: "inherit" });
    writeFileSync(stamp, hash);
  }
  const out = runPythonSync([
    "-c",
    "import importlib.metadata as m, sys; print(m.version('pyspark-client'), m.version('pyarrow'), sys.version.split()[0])",
  ]);
  const [pyspark = "?", pyarrow = "?", version = "?"] = out.trim().split(/\s+/);
  return { pyspark, pyarrow, python: version };
}

/** pyspark-client 4.2.0 calls sys.exit() at import unless SPARK_HOME names an existing folder. */
function pythonEnv(): NodeJS.ProcessEnv {
  return { ...process.env, SPARK_HOME: process.env.SPARK_HOME ?? venv, PYTHONUNBUFFERED: "1" };
}

function runPythonSync(args: readonly string[]): string {
  return execFileSync(python, args, { env: pythonEnv(), encoding: "utf8" });
}

/** Runs bench/python/<script> with JSON arguments on stdin; resolves its JSON result (the last stdout line). */
export function runPython<T>(script: string, args: unknown): Promise<T> {
  return runJsonChild<T>(`python ${script}`, python, [join(here, script)], args, { env: pythonEnv() });
}
