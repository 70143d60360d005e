/**
 * The packages as a consumer gets them: `npm pack` the runtime, the plugin and the schema package both depend on
 * (contract review, the optional `@lakehouse-contracts/review`, is not part of this scenario), install the tarballs
 * (not workspace links)
 * into a scratch project with its own package.json, buf.yaml and buf.gen.yaml, run `buf generate` with the installed
 * plugin as a local plugin (and its installed `lakehouse/v1/options.proto`), type-check the output and a file that
 * uses it under `tsc --strict`, then run that file. Catches what workspace links hide: `files`, `exports`, `bin`,
 * types and run-time dependencies of the packages. Slow (npm install), so it has a generous timeout.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { protosDir, repoRoot } from "../../tools/lib/paths.js";
import { CONSUMER_CONTRACT, CONSUMER_MAIN } from "./consumer.testdata.js";

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
  // The options proto comes from the installed plugin package, as its README tells consumers. protovalidate's
  // validate.proto is vendored from the copy `npm run protos:fetch` keeps (a consumer would name the BSR module as a
  // dependency; this keeps the test offline).
  cpSync(join(protosDir, "protovalidate/buf"), join(project, "vendor/protovalidate/buf"), { recursive: true });
  writeFileSync(
    join(project, "buf.yaml"),
    [
      "version: v2",
      "modules:",
      "  - path: proto",
      "  - path: vendor/protovalidate",
      "  - path: node_modules/@lakehouse-contracts/protoc-gen-lakehouse/proto",
      "",
    ].join("\n"),
  );
  // As the repository's own buf.gen.yaml: a local plugin found on PATH (node_modules/.bin through npx); protoc-gen-es
  // beside it, as a team converting from it has (its output imports the options proto's, hence include_imports).
  writeFileSync(
    join(project, "buf.gen.yaml"),
    [
      "version: v2",
      "clean: true",
      "inputs:",
      "  - directory: proto",
      "plugins:",
      "  - local: protoc-gen-lakehouse",
      "    out: src/gen",
      "    opt:",
      "      - target=ts",
      "      - import_extension=js",
      "  - local: protoc-gen-es",
      "    out: src/gen",
      "    include_imports: true",
      "    opt:",
      "      - target=ts",
      "      - import_extension=js",
      "",
    ].join("\n"),
  );
  writeFileSync(join(project, "proto/acme/billing/v1/payment.proto"), CONSUMER_CONTRACT);
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
    "payment_lakehouse.ts",
    "payment_pb.ts",
  ]);
}, 120_000);

test("the generated code and a file using it type-check under tsc --strict (NodeNext)", () => {
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
