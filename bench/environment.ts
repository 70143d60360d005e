/** The machine and the version of every peer, for the report's header. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../tools/lib/paths.js";

export interface Environment {
  date: string;
  machine: { cores: number; cpu: string; memoryGiB: number; os: string; loadAverageAtStart: number[] };
  versions: Record<string, string>;
}

function packageVersion(name: string): string {
  const file = join(repoRoot, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

export function environment(peers: Record<string, string>): Environment {
  const cpu = cpus();
  let buf = "?";
  try {
    buf = execFileSync(join(repoRoot, "node_modules", ".bin", "buf"), ["--version"], { encoding: "utf8" }).trim();
  } catch {}
  return {
    date: new Date().toISOString(),
    machine: {
      cores: cpu.length,
      cpu: cpu[0]?.model ?? "?",
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      os: `${type()} ${release()}`,
      loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    versions: {
      node: process.version,
      "@lakehouse-contracts/runtime": packageVersion("@lakehouse-contracts/runtime"),
      "apache-arrow": packageVersion("apache-arrow"),
      "@bufbuild/protovalidate": packageVersion("@bufbuild/protovalidate"),
      "@bufbuild/protobuf": packageVersion("@bufbuild/protobuf"),
      "@bufbuild/protoc-gen-es": packageVersion("@bufbuild/protoc-gen-es"),
      buf,
      ...peers,
    },
  };
}
