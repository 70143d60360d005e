/**
 * The packages as a consumer gets them, following the README's "Use it in your repo" literally: `npm pack` the
 * runtime, the plugin and the schema package both depend on (contract review, the optional
 * `@lakehouse-contracts/review`, is not part of this scenario), install the tarballs (not workspace links) into a
 * scratch project, write the README's contract, its buf.yaml (the one without the Buf registry: the test is
 * offline), vendor protovalidate's validate.proto with the README's own commands, write the plugin README's
 * buf.gen.yaml (with protoc-gen-es beside it, for the interop checks), run `buf generate` with the installed plugin
 * as a local plugin, type-check the output, the README's file and the package READMEs' snippets under
 * `tsc --strict`, run a file that uses the classes, and run the README's offline `npx lakehouse` lines (the
 * generated `.ts` loaded without any TypeScript loader installed). The buf.yaml and buf.gen.yaml of every README
 * must be the same text. Catches what workspace links hide: `files`, `exports`, `bin`, READMEs, types and run-time
 * dependencies of the packages. Slow (npm install), so it has a generous timeout.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { repoRoot } from "../../tools/lib/paths.js";
import { blockStartingWith, CONSUMER_CONTRACT, CONSUMER_MAIN, markdownBlocks } from "./consumer.testdata.js";

const scratch = mkdtempSync(join(tmpdir(), "lakehouse-consumer-"));
const packs = join(scratch, "packs");
const project = join(scratch, "project");
// Removing an installed node_modules can take a while on a busy machine.
afterAll(() => rmSync(scratch, { recursive: true, force: true }), 120_000);

/**
 * PATH without any node_modules/.bin: the scratch project must find buf, the plugin and tsc in its own
 * node_modules (npx adds that), never in this repository's.
 */
const cleanPath = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => !dir.includes("node_modules"))
  .join(delimiter);

/** The environment of a child npm: without the npm_* variables of the npm that may have started vitest. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith("npm_")) env[key] = value;
  }
  env.PATH = cleanPath;
  return env;
}

function run(cmd: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(cmd, args, { cwd, env: childEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${cwd}) exited with ${result.status}\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

const readme = (file: string) => readFileSync(join(repoRoot, file), "utf8");
const MAIN_README = readme("README.md");
/** The README's quick start: the section the consumer follows. */
const QUICK_START = (() => {
  const start = MAIN_README.indexOf("\n## Use it in your repo\n");
  const end = MAIN_README.indexOf("\n## ", start + 1);
  if (start < 0) throw new Error('README.md has no "Use it in your repo" section');
  return MAIN_README.slice(start, end < 0 ? undefined : end);
})();
const PACKAGE_READMES = ["runtime/README.md", "protoc-gen-lakehouse/README.md", "schema/README.md"];
const NO_REGISTRY = "# buf.yaml, without the Buf registry: protovalidate's validate.proto vendored";
const WITH_REGISTRY = "# buf.yaml, with the Buf registry";
const BUF_GEN = "# buf.gen.yaml";
const BUF_GEN_ES = "# buf.gen.yaml, with protoc-gen-es beside it (for toProto and fromProto)";
const CONTRACT_PATH = "proto/acme/billing/v1/invoice.proto";

const npmQuiet = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const manifests = ["package.json", "runtime/package.json"].map(
  (file) => JSON.parse(readFileSync(join(repoRoot, file), "utf8")) as Manifest,
);

/** The version this repository pins (root devDependencies, else the runtime's dependencies). */
function pinned(name: string): string {
  for (const m of manifests) {
    const version = m.devDependencies?.[name] ?? m.dependencies?.[name];
    if (version !== undefined) return version;
  }
  throw new Error(`this repository does not pin ${name}`);
}

beforeAll(() => {
  mkdirSync(packs);
  // prepack runs `tsc -b` in each package, so the tarballs hold a fresh dist/.
  run(
    "npm",
    ["pack", "-w", "schema", "-w", "runtime", "-w", "protoc-gen-lakehouse", "--pack-destination", packs, ...npmQuiet],
    repoRoot,
  );
  const tarball = (prefix: string): string => {
    const file = readdirSync(packs).find((f) => f.startsWith(prefix) && f.endsWith(".tgz"));
    if (file === undefined) throw new Error(`npm pack made no ${prefix}*.tgz in ${packs}`);
    return `file:${join(packs, file)}`;
  };

  mkdirSync(join(project, "proto/acme/billing/v1"), { recursive: true });
  mkdirSync(join(project, "src"));
  // Step 1 of the quick start, with the packed tarballs for the packages (they are not published yet).
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify(
      {
        name: "lakehouse-scratch-consumer",
        private: true,
        type: "module",
        dependencies: {
          "@bufbuild/protobuf": pinned("@bufbuild/protobuf"),
          "@lakehouse-contracts/runtime": tarball("lakehouse-contracts-runtime-"),
          // Not published yet: the runtime's and the plugin's dependency on it is met by this tarball.
          "@lakehouse-contracts/schema": tarball("lakehouse-contracts-schema-"),
        },
        devDependencies: {
          "@bufbuild/buf": pinned("@bufbuild/buf"),
          "@bufbuild/protoc-gen-es": pinned("@bufbuild/protoc-gen-es"),
          "@lakehouse-contracts/protoc-gen-lakehouse": tarball("lakehouse-contracts-protoc-gen-lakehouse-"),
          "@types/node": pinned("@types/node"),
          typescript: pinned("typescript"),
        },
      },
      null,
      2,
    )}\n`,
  );
  // Step 2: the README's contract, and one of the test's own that uses more of the mapping.
  writeFileSync(join(project, CONTRACT_PATH), blockStartingWith(QUICK_START, `// ${CONTRACT_PATH}`));
  writeFileSync(join(project, "proto/acme/billing/v1/payment.proto"), CONSUMER_CONTRACT);
  // Step 3: the buf.yaml without the registry, and protovalidate's validate.proto vendored with the README's commands
  // (Maven resolves the jar from its local repository when it has it; else from Maven Central).
  writeFileSync(join(project, "buf.yaml"), blockStartingWith(QUICK_START, NO_REGISTRY));
  const vendoring = markdownBlocks(QUICK_START).find((b) => b.lang === "sh" && b.text.includes("protovalidate"));
  if (vendoring === undefined) throw new Error("the quick start has no commands to vendor validate.proto");
  run("sh", ["-euc", vendoring.text], project);
  // Step 4: buf.gen.yaml, with protoc-gen-es beside the plugin (as the plugin's README has it) for the interop checks.
  writeFileSync(join(project, "buf.gen.yaml"), blockStartingWith(readme("protoc-gen-lakehouse/README.md"), BUF_GEN_ES));
  // Step 5: the README's file, and the package READMEs' snippets that use the generated classes.
  const quickTs = markdownBlocks(QUICK_START).filter((b) => b.lang === "ts");
  expect(quickTs).toHaveLength(1);
  writeFileSync(join(project, "src/invoices.ts"), quickTs[0]?.text ?? "");
  for (const file of PACKAGE_READMES) {
    markdownBlocks(readme(file))
      .filter((b) => b.lang === "ts" && b.text.includes('from "./gen/'))
      .forEach((b, i) => {
        writeFileSync(join(project, `src/readme-${file.split("/")[0]}-${i}.ts`), `${b.text}export {};\n`);
      });
  }
  writeFileSync(join(project, "src/main.ts"), CONSUMER_MAIN);
  writeFileSync(
    join(project, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          types: ["node"],
          outDir: "dist",
        },
        include: ["src"],
      },
      null,
      2,
    )}\n`,
  );
  run("npm", ["install", ...npmQuiet], project);
}, 600_000);

test("every README has the same buf.yaml and buf.gen.yaml, and the package READMEs their snippets", () => {
  for (const first of [NO_REGISTRY, WITH_REGISTRY, BUF_GEN]) {
    const text = blockStartingWith(QUICK_START, first);
    for (const file of ["runtime/README.md", "protoc-gen-lakehouse/README.md"]) {
      expect(blockStartingWith(readme(file), first), `${file}: ${first}`).toBe(text);
    }
  }
  // The registry's buf.yaml is the vendored one with the dependency instead of the vendored module.
  const withRegistry = blockStartingWith(QUICK_START, WITH_REGISTRY).split("\n").slice(1);
  const vendored = blockStartingWith(QUICK_START, NO_REGISTRY).split("\n").slice(1);
  expect(withRegistry.filter((l) => !vendored.includes(l))).toEqual(["deps:", "  - buf.build/bufbuild/protovalidate"]);
  expect(vendored.filter((l) => !withRegistry.includes(l))).toEqual(["  - path: vendor/protovalidate"]);
  // The buf.gen.yaml with protoc-gen-es is the plain one and more.
  const plain = blockStartingWith(QUICK_START, BUF_GEN).split("\n").slice(1).join("\n");
  expect(blockStartingWith(readme("protoc-gen-lakehouse/README.md"), BUF_GEN_ES)).toContain(plain.trimEnd());
  // The plugin's README shows the quick start's contract.
  expect(blockStartingWith(readme("protoc-gen-lakehouse/README.md"), `// ${CONTRACT_PATH}`)).toBe(
    blockStartingWith(QUICK_START, `// ${CONTRACT_PATH}`),
  );
});

test("each installed package has its README", () => {
  for (const name of ["runtime", "protoc-gen-lakehouse", "schema"]) {
    const text = readFileSync(join(project, "node_modules/@lakehouse-contracts", name, "README.md"), "utf8");
    expect(text).toMatch(new RegExp(`^# @lakehouse-contracts/${name}\n`));
    expect(text).toMatch(/## Install/);
  }
});

test("the packed packages install with their bin, proto folder and types", () => {
  const plugin = join(project, "node_modules/@lakehouse-contracts/protoc-gen-lakehouse");
  expect(readdirSync(join(plugin, "proto/lakehouse/v1"))).toContain("options.proto");
  expect(readdirSync(join(project, "node_modules/.bin"))).toContain("protoc-gen-lakehouse");
  const runtime = join(project, "node_modules/@lakehouse-contracts/runtime");
  expect(readdirSync(join(runtime, "dist"))).toEqual(expect.arrayContaining(["index.js", "index.d.ts"]));
  // One copy of the schema package, shared by the runtime and the plugin (none nested below either).
  const schema = join(project, "node_modules/@lakehouse-contracts/schema");
  expect(readdirSync(join(schema, "dist"))).toEqual(expect.arrayContaining(["index.js", "index.d.ts"]));
  for (const dependent of [plugin, runtime]) {
    expect(existsSync(join(dependent, "node_modules/@lakehouse-contracts/schema"))).toBe(false);
  }
});

test("npx buf generate runs the installed plugin", () => {
  run("npx", ["--no", "--", "buf", "generate"], project);
  expect(readdirSync(join(project, "src/gen/acme/billing/v1")).sort()).toEqual([
    "invoice_lakehouse.ts",
    "invoice_pb.ts",
    "payment_lakehouse.ts",
    "payment_pb.ts",
  ]);
}, 120_000);

test("the generated code, the README's file and snippets, and a file using it type-check under tsc --strict (NodeNext)", () => {
  expect(readdirSync(join(project, "src")).filter((f) => f.startsWith("readme-")).length).toBeGreaterThanOrEqual(3);
  run("npx", ["--no", "--", "tsc", "--noEmit", "-p", "tsconfig.json"], project);
}, 180_000);

test("the compiled consumer runs: toArrow, fromJson, createTableSql, toParquet, validate and protoc-gen-es interop", () => {
  run("npx", ["--no", "--", "tsc", "-p", "tsconfig.json"], project);
  const output = JSON.parse(run("node", ["dist/main.js"], project)) as Record<string, unknown>;
  expect(output).toEqual({
    rows: 2,
    columns: expect.arrayContaining(["payment_id", "amount", "method", "lines", "ingest_id", "created_at"]),
    roundTrip: true,
    protoRoundTrip: true,
    validation: ["valid", "invalid"],
    sql: expect.stringMatching(/^CREATE TABLE `billing`\.`payments` \(`payment_id` STRING NOT NULL/),
    parquetMagic: "PAR1",
  });
}, 180_000);

test("the README's offline `npx lakehouse` lines run in the consumer project, loading the generated .ts", () => {
  expect(readdirSync(join(project, "node_modules"))).not.toContain("tsx");
  const lines = markdownBlocks(QUICK_START)
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.text.split("\n"))
    .filter((l) => l.startsWith("npx lakehouse ") && !/ (ingest|query|tail|table (create|describe)) /.test(l));
  expect(lines.length).toBeGreaterThanOrEqual(3);
  const outputs = lines.map((line) => run("sh", ["-euc", line], project));
  const all = outputs.join("\n");
  expect(all).toMatch(
    /acme\.billing\.v1\.Invoice\s+\.\/src\/gen\/acme\/billing\/v1\/invoice_lakehouse\.ts#Invoice\s+invoices/,
  );
  expect(all).toMatch(/acme\.billing\.v1\.Payment\s+/);
  expect(all).toMatch(/^CREATE TABLE `invoices` \(`invoice_id` STRING NOT NULL/m);
  expect(all).toMatch(/^CREATE TABLE delta\.`\/tmp\/lake\/invoices` /m);
  expect(run("npx", ["--no", "--", "lakehouse", "--help"], project)).toMatch(/^Usage: lakehouse /);
}, 120_000);
