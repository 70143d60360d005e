/**
 * `--contract` as users have their generated code: the `.ts` module as `buf generate` wrote it (no TypeScript
 * loader in the process: the bin under plain `node`), the README's `.js` spelling of it, a compiled `.js`, and the
 * message's full name found through the buf.gen.yaml of the working directory. Offline: `lakehouse table sql`.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { createTableSql } from "../../runtime/src/index.js";
import { lakehouse, root } from "./cli-harness.js";

const orderSql = createTableSql(Order.descriptor);

describe("--contract <module>#<Export>", () => {
  test.each([
    ["the generated .ts", "./generated/shop/v1/order_lakehouse.ts#Order"],
    ["the README's .js spelling of it", "./generated/shop/v1/order_lakehouse.js#Order"],
    ["an absolute path", `${join(root, "generated/shop/v1/order_lakehouse.ts")}#Order`],
  ])("%s loads under plain node", (_what, contract) => {
    const { code, stdout, stderr } = lakehouse(["table", "sql", "--contract", contract]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(orderSql);
  });

  test("a compiled .js module", () => {
    mkdirSync(join(root, ".cache"), { recursive: true });
    const dir = mkdtempSync(join(root, ".cache", "cli-contract-"));
    const source = readFileSync(join(root, "generated/lakehouse/test/v1/basic_lakehouse.ts"), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(dir, "basic_lakehouse.js"), outputText);
    const { code, stdout, stderr } = lakehouse([
      "table",
      "sql",
      "--contract",
      `${join(dir, "basic_lakehouse.js")}#BasicTestRecord`,
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CREATE TABLE `basic_test_records` \(`id` BIGINT NOT NULL/);
  });

  test("a module alone: its one table class", () => {
    const { code, stdout } = lakehouse([
      "table",
      "sql",
      "--contract",
      "./generated/lakehouse/test/v1/basic_lakehouse.ts",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CREATE TABLE `basic_test_records`/);
  });

  test("an export that is not a record class: one line naming those that are", () => {
    const { code, stderr } = lakehouse(["table", "sql", "--contract", "./generated/shop/v1/order_lakehouse.ts#Nope"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^lakehouse: --contract: .*order_lakehouse\.ts exports no record class named Nope; .*Order\b/,
    );
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  test("a .ts contract where @lakehouse-contracts/runtime is not installed: says what to install", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-contract-"));
    cpSync(join(root, "generated/lakehouse/test/v1/basic_lakehouse.ts"), join(dir, "basic_lakehouse.ts"));
    const { code, stderr } = lakehouse(["table", "sql", "--contract", "./basic_lakehouse.ts#BasicTestRecord"], {
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lakehouse: --contract: .*npm install @lakehouse-contracts\/runtime/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("--contract <full message name>", () => {
  test("found through buf.gen.yaml in the working directory", () => {
    const { code, stdout, stderr } = lakehouse(["table", "sql", "--contract", "shop.v1.Order"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(orderSql);
  });

  test("and in a parent of it", () => {
    const { code, stdout } = lakehouse(["table", "sql", "--contract", "lakehouse.test.v1.BasicTestRecord"], {
      cwd: join(root, "runtime/src"),
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CREATE TABLE `basic_test_records`/);
  });

  test("a name that is not there: one line listing the messages that are", () => {
    const { code, stderr } = lakehouse(["table", "sql", "--contract", "shop.v1.Ordr"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lakehouse: --contract: no message shop\.v1\.Ordr in generated\/ .*shop\.v1\.Order\b/);
    expect(stderr).toMatch(/lakehouse\.test\.v1\.BasicTestRecord/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  test("no buf.gen.yaml: says so and how to name the module instead", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-contract-"));
    const { code, stderr } = lakehouse(["table", "sql", "--contract", "shop.v1.Order"], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lakehouse: --contract: no buf\.gen\.yaml in .* or a parent folder; .*#/);
  });

  test("a remote lakehouse plugin and a v1 buf.gen.yaml are understood too", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-contract-"));
    mkdirSync(join(dir, "src/gen/shop/v1"), { recursive: true });
    cpSync(
      join(root, "generated/lakehouse/test/v1/basic_lakehouse.ts"),
      join(dir, "src/gen/shop/v1/basic_lakehouse.ts"),
    );
    // The runtime must be importable from the generated file: link this repository's node_modules.
    mkdirSync(join(dir, "node_modules/@lakehouse-contracts"), { recursive: true });
    for (const name of ["runtime", "schema"]) {
      symlinkSync(join(root, name), join(dir, "node_modules/@lakehouse-contracts", name), "dir");
    }
    writeFileSync(
      join(dir, "buf.gen.yaml"),
      "version: v1\nplugins:\n  - plugin: buf.build/acme/lakehouse\n    out: src/gen\n    opt: target=ts\n",
    );
    const { code, stdout, stderr } = lakehouse(["contracts"], { cwd: dir });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /lakehouse\.test\.v1\.BasicTestRecord\s+.*src\/gen\/shop\/v1\/basic_lakehouse\.ts#BasicTestRecord/,
    );
  });
});

describe("lakehouse contracts", () => {
  test("lists the generated record classes with their modules and tables", () => {
    const { code, stdout } = lakehouse(["contracts"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/shop\.v1\.Order\s+.*generated\/shop\/v1\/order_lakehouse\.ts#Order\s+.*orders/);
    expect(stdout).toMatch(/lakehouse\.test\.v1\.BasicTestRecord\s+.*basic_lakehouse\.ts#BasicTestRecord/);
  });
});
