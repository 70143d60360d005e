/**
 * generated/ is the plugin's output for contracts/, and protoc-gen-lakehouse/src/gen is protoc-gen-es's output for the
 * plugin's options.proto: regenerating either with buf and the built plugin must give the committed files, byte
 * for byte. Needs `npm run build` first (npm test does it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { repoRoot } from "../../tools/lib/paths.js";
import { buf, listFiles, runWithBin } from "./plugin-harness.js";

const out = mkdtempSync(join(tmpdir(), "lakehouse-golden-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function expectSameFiles(fresh: string, committed: string): void {
  expect(listFiles(fresh)).toEqual(listFiles(committed));
  for (const file of listFiles(committed)) {
    expect(readFileSync(join(fresh, file), "utf8"), file).toBe(readFileSync(join(committed, file), "utf8"));
  }
}

test("generated/ equals a fresh buf generate of contracts/ with the built plugin", () => {
  expect(existsSync(join(repoRoot, "protoc-gen-lakehouse/dist/plugin.js")), "run `npm run build` first").toBe(true);
  runWithBin(buf, ["generate", "--template", join(repoRoot, "buf.gen.yaml"), "-o", out]);
  expectSameFiles(join(out, "generated"), join(repoRoot, "generated"));
}, 60_000);

test("protoc-gen-lakehouse/src/gen equals a fresh protoc-gen-es run over options.proto", () => {
  runWithBin(buf, ["generate", "--template", join(repoRoot, "protoc-gen-lakehouse/buf.gen.options.yaml"), "-o", out]);
  expectSameFiles(join(out, "protoc-gen-lakehouse/src/gen"), join(repoRoot, "protoc-gen-lakehouse/src/gen"));
}, 60_000);
