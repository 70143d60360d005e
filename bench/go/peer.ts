/**
 * The Go peer (bench/go/main.go on github.com/apache/spark-connect-go, pinned in bench/go/go.mod): built with the
 * machine's Go into .cache/bench/go-peer-<hash of its sources> at bench time (the module proxy serves the pinned
 * modules), and run like the Python peer: JSON arguments on stdin, one JSON result on the last stdout line.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, repoRoot } from "../../tools/lib/paths.js";
import { runJsonChild } from "../child.js";

const here = join(repoRoot, "bench", "go");
const SOURCES = ["go.mod", "go.sum", "main.go"];

/** The spark-connect-go version go.mod pins. */
function pinnedVersion(): string {
  const match = /github\.com\/apache\/spark-connect-go (\S+)/.exec(readFileSync(join(here, "go.mod"), "utf8"));
  return match?.[1] ?? "?";
}

let binary: string | undefined;

/** Builds the peer unless a build of these sources exists; the versions for the report. */
export function ensureGoPeer(log: (line: string) => void): { sparkConnectGo: string; go: string } {
  const hash = createHash("sha256");
  for (const file of SOURCES) hash.update(readFileSync(join(here, file)));
  const out = join(cacheDir, "bench", `go-peer-${hash.digest("hex").slice(0, 16)}`);
  const go = process.env.BENCH_GO ?? "go";
  if (!existsSync(out)) {
    log(`bench: building the Go peer (bench/go, spark-connect-go ${pinnedVersion()}) into ${out}…`);
    mkdirSync(join(cacheDir, "bench"), { recursive: true });
    execFileSync(go, ["build", "-mod=readonly", "-o", out, "."], { cwd: here, stdio: "inherit" });
  }
  binary = out;
  const version = execFileSync(go, ["env", "GOVERSION"], { encoding: "utf8" }).trim();
  return { sparkConnectGo: pinnedVersion(), go: version };
}

/** Runs the peer with `args` (see bench/go/main.go); resolves its JSON result. */
export function runGo<T>(args: unknown): Promise<T> {
  const bin = binary;
  if (bin === undefined) return Promise.reject(new Error("ensureGoPeer() first"));
  return runJsonChild<T>("go peer", bin, [], args);
}

/** What the pinned version cannot do, read from its code: listed in the report. */
export const GO_CANNOT = [
  "Go peer (spark-connect-go): no streamed read — DataFrame.All() calls Collect() and iterates the collected rows (spark/sql/dataframe.go), so a stream is a whole read; it is listed under 'whole' as Collect().",
  "Go peer: Collect() of nested rows (Order) runs at about 10 rows/s (500 rows took 53 s in the quick bench of 2026-12-02), so it is measured for the flat contract only; ToArrow() is measured for both.",
  "Go peer: its gRPC receive limit is raised to 128 MiB (pyspark-client's default) through its channel.Builder; with grpc-go's 4 MiB, which spark-connect-go keeps, a whole read of 100k Orders fails (a 7 MB message).",
  "Go peer: no exactly-once append — DataFrameWriter has Mode, Format and Save only (spark/sql/dataframewriter.go), so txnAppId/txnVersion cannot be passed; it is compared with plain pyspark and ours (DataFrame write), not with 'same guarantees'.",
];
