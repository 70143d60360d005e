/**
 * Generate: wall time of `buf generate` with protoc-gen-lakehouse against protoc-gen-es alone, on the same set of
 * generated contracts (N messages, ten per file, every field kind the plugin maps and a few rules each), written
 * under the run's work folder, never into the repository.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { protosDir, repoRoot } from "../tools/lib/paths.js";
import type { BenchContext } from "./context.js";
import { compare, emptySection, type SectionResult } from "./results.js";
import { measure, rates } from "./stats.js";

const OURS = "protoc-gen-lakehouse";
const ES = "protoc-gen-es";
const PER_FILE = 10;

function message(n: number): string {
  const name = `M${String(n).padStart(4, "0")}`;
  return `// Generated bench message ${n}.
message ${name} {
  option (lakehouse.v1.table) = {
    name: "m${n}"
    primary_key: ["id"]
  };

  int64 id = 1 [(buf.validate.field).int64.gt = 0];
  string name = 2 [(buf.validate.field).string.max_len = 200];
  double amount = 3 [(buf.validate.field).double.finite = true];
  bool active = 4;
  repeated string tags = 5 [(buf.validate.field).repeated.max_items = 10];
  map<string, int64> counts = 6;
  google.protobuf.Timestamp at = 7;
  Inner inner = 8;
  Kind kind = 9 [(buf.validate.field).enum.defined_only = true];
  optional int32 score = 10 [(buf.validate.field).int32 = {
    gte: 0
    lte: 100
  }];
  string code = 11 [(buf.validate.field).string.pattern = "^[A-Z]{3}$"];
  bytes blob = 12;
  uint64 big = 13;
  string price = 14 [(lakehouse.v1.field).decimal = {
    precision: 12
    scale: 2
  }];

  // A nested message.
  message Inner {
    string a = 1;
    int32 b = 2;
  }

  // A nested enum.
  enum Kind {
    KIND_UNSPECIFIED = 0;
    KIND_A = 1;
    KIND_B = 2;
  }
}
`;
}

/** Writes the contract set and both buf.gen templates; returns the folder to run buf in. */
export function writeContractSet(root: string, messages: number): string {
  rmSync(root, { recursive: true, force: true });
  const pkg = join(root, "contracts", "bench", "v1");
  mkdirSync(pkg, { recursive: true });
  for (let f = 0; f * PER_FILE < messages; f++) {
    const body = Array.from({ length: Math.min(PER_FILE, messages - f * PER_FILE) }, (_, i) =>
      message(f * PER_FILE + i),
    );
    writeFileSync(
      join(pkg, `set_${f}.proto`),
      [
        'syntax = "proto3";',
        "",
        "package bench.v1;",
        "",
        'import "buf/validate/validate.proto";',
        'import "google/protobuf/timestamp.proto";',
        'import "lakehouse/v1/options.proto";',
        "",
        ...body,
      ].join("\n"),
    );
  }
  cpSync(join(protosDir, "protovalidate"), join(root, "protovalidate"), { recursive: true });
  cpSync(join(repoRoot, "protoc-gen-lakehouse", "proto"), join(root, "options"), { recursive: true });
  writeFileSync(
    join(root, "buf.yaml"),
    "version: v2\nmodules:\n  - path: contracts\n  - path: protovalidate\n  - path: options\n",
  );
  for (const [file, plugin, out] of [
    ["buf.gen.lakehouse.yaml", "protoc-gen-lakehouse", "gen/lakehouse"],
    ["buf.gen.es.yaml", "protoc-gen-es", "gen/es"],
  ] as const) {
    writeFileSync(
      join(root, file),
      `version: v2\nclean: true\ninputs:\n  - directory: contracts\nplugins:\n  - local: ${plugin}\n    out: ${out}\n    opt:\n      - target=ts\n      - import_extension=js\n`,
    );
  }
  return root;
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

export async function generateSection(ctx: BenchContext): Promise<SectionResult> {
  const result = emptySection();
  const n = ctx.config.generateMessages;
  const root = writeContractSet(join(ctx.workDir, "generate"), n);
  const env = { ...process.env, PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH ?? ""}` };
  const buf = join(repoRoot, "node_modules", ".bin", "buf");
  for (const [peer, template, out] of [
    [OURS, "buf.gen.lakehouse.yaml", "gen/lakehouse"],
    [ES, "buf.gen.es.yaml", "gen/es"],
  ] as const) {
    const timing = await measure(ctx.config.generatePlan, () => {
      execFileSync(buf, ["generate", "--template", template], { cwd: root, env, stdio: "pipe" });
    });
    const files = countFiles(join(root, out));
    result.figures.push({
      section: "generate",
      case: `${n} messages`,
      size: n,
      peer,
      unit: "messages/s",
      timing,
      rate: rates(n, timing).median,
      note: `${files} files out`,
    });
    result.checks.push({
      section: "generate",
      name: `${peer}: wrote output for every file`,
      ok: files >= Math.ceil(n / PER_FILE),
      detail: `${files} files for ${Math.ceil(n / PER_FILE)} .proto files`,
    });
    ctx.log(`  generate ${n} messages ${peer}: ${timing.median.toFixed(2)} s`);
  }
  const comparison = compare(result.figures, "generate", `${n} messages`, n, OURS, ES);
  if (comparison) result.comparisons.push(comparison);
  result.notes.push(
    "Generate: wall time of one `buf generate` (buf compiles the .proto files, then runs the plugin as a Node process); protoc-gen-lakehouse emits record classes, validators and schemas, protoc-gen-es emits message schemas only.",
  );
  return result;
}
