/**
 * One error family: a code per class, a guard per class that holds for errors of a second copy of the package, the
 * code where connect-es prints it, one renderer of problem lists, a rejected insert that keeps rule ids, the
 * encoder's `{ index, path }`, and `validate()` giving `{ kind: "error" }` when a CEL rule fails to evaluate.
 */
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, test, vi } from "vitest";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import * as runtime from "../../runtime/src/index.js";
import {
  AuthError,
  CancelledError,
  isCelRuntimeError,
  isRecordsRejectedError,
  isRuleEvaluationError,
  isValidationError,
  type LakehouseError,
  type RecordDescriptor,
  RecordEncodeError,
  RecordsRejectedError,
  RecordTable,
  type SparkSession,
  toArrow,
  ValidationError,
  type Violation,
} from "../../runtime/src/index.js";
import { listProblems } from "../../runtime/src/records/errors.js";
import { repoRoot } from "../../tools/lib/paths.js";
import { ContractWorkspace } from "./plugin-harness.js";
import { field } from "./records.testdata.js";

type Runtime = typeof runtime;
type ErrorClass = abstract new (...args: never[]) => LakehouseError;

const violation: Violation = {
  path: "items[2].sku",
  rule: "string.min_len",
  ruleId: "string.min_len",
  message: "must be at least 3 characters",
  value: '"ab"',
};

/** One instance of every concrete error class the package exports, made by the given copy of it. */
function instances(r: Runtime): Record<string, LakehouseError> {
  const cancelled = new r.CancelledError();
  return {
    SparkError: new r.SparkError("analysis failed", { errorClass: "TABLE_OR_VIEW_NOT_FOUND" }),
    DeltaConflictError: new r.DeltaConflictError("concurrent append", { errorClass: "DELTA_CONCURRENT_APPEND" }),
    ConstraintViolationError: new r.ConstraintViolationError(
      "refused",
      { errorClass: "DELTA_VIOLATE_CONSTRAINT_WITH_VALUES" },
      { constraint: "a_int32_gt", values: {} },
    ),
    ConnectionError: new r.ConnectionError("unreachable"),
    AuthError: new r.AuthError("refused"),
    CancelledError: cancelled,
    TimeoutError: new r.TimeoutError(),
    WriteCancelledError: new r.WriteCancelledError(cancelled, { committed: false }),
    ConnectionStringError: new r.ConnectionStringError("bad sc:// string"),
    InvalidArgumentError: new r.InvalidArgumentError("bad option"),
    RecordSchemaError: new r.RecordSchemaError("t.R: a map key cannot be double"),
    ProtocolError: new r.ProtocolError("unexpected response"),
    IdempotencyConflictError: new r.IdempotencyConflictError("t", { appId: "a", version: 1n }, "it is another batch"),
    RecordsRejectedError: new r.RecordsRejectedError("t.R", 2, [{ index: 1, issues: [violation] }]),
    TableSchemaMismatchError: new r.TableSchemaMismatchError("t.R", "t", ["id: expected BIGINT, got INT"]),
    ResultShapeMismatchError: new r.ResultShapeMismatchError("t.R", ["id: the result has int, the shape wants bigint"]),
    RecordEncodeError: new r.RecordEncodeError("t.R", [{ path: "[0].id", message: "is missing" }]),
    RecordDecodeError: new r.RecordDecodeError("t.R", [{ path: "[0].id", message: "is NULL" }]),
    JsonDecodeError: new r.JsonDecodeError("t.R", [{ path: "id", message: "must be a string" }]),
    SchemaMismatchError: new r.SchemaMismatchError("t.R", ["id: expected Int64, got Utf8"]),
    ValidationError: new r.ValidationError("t.R", [violation]),
    RuleEvaluationError: new r.RuleEvaluationError("value must be valid UTF-8 to apply regexp"),
    CelRuntimeError: new r.CelRuntimeError("this.a / this.b > 0", "division by zero"),
    InvalidRulesError: new r.InvalidRulesError("t.R", ["a: int32 rules on a string field"]),
    WriterQueueFullError: new r.WriterQueueFullError(10, 10),
    WriterClosedError: new r.WriterClosedError(),
    ObjectStoreError: new r.ObjectStoreError("no_bucket", "could not reach the bucket: there is no bucket"),
  };
}

/** Every error class the package root exports, by name (abstract ones included). */
function errorClasses(r: Runtime): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>();
  for (const [name, value] of Object.entries(r)) {
    if (typeof value === "function" && (value === r.LakehouseError || value.prototype instanceof r.LakehouseError)) {
      classes.set(name, value as unknown as ErrorClass);
    }
  }
  return classes;
}

type Guard = (value: unknown) => boolean;

/** The guard of each class: `isXxx` for class `Xxx`. */
function guardOf(r: Runtime, name: string): Guard {
  const guard = (r as unknown as Record<string, unknown>)[`is${name}`];
  if (typeof guard !== "function") throw new Error(`the package exports no is${name}`);
  return guard as Guard;
}

describe("a code per class", () => {
  const classes = errorClasses(runtime);
  const made = instances(runtime);

  test("every exported error class is covered here, with its name", () => {
    // The root takes any code (a guard trusts the code), and IssuesError is abstract.
    const abstract = ["LakehouseError", "IssuesError"];
    expect([...classes.keys()].filter((n) => !abstract.includes(n)).sort()).toEqual(Object.keys(made).sort());
    for (const [name, error] of Object.entries(made)) expect(error.name).toBe(name);
  });

  test("no two classes share a code (a WriteCancelledError carries its cause's)", () => {
    const byCode = new Map<string, string>();
    for (const [name, error] of Object.entries(made)) {
      if (name === "WriteCancelledError") continue;
      expect(byCode.get(error.code), `${name} and ${byCode.get(error.code)} share "${error.code}"`).toBeUndefined();
      byCode.set(error.code, name);
    }
    expect(made.WriteCancelledError?.code).toBe("cancelled");
    expect(new runtime.WriteCancelledError(new runtime.TimeoutError(), { committed: undefined }).code).toBe("timeout");
  });

  test("the codes other code branches on stay as they were", () => {
    const codes = Object.fromEntries(Object.entries(made).map(([name, e]) => [name, e.code]));
    expect(codes).toMatchObject({
      SparkError: "spark",
      DeltaConflictError: "conflict",
      ConnectionError: "connection",
      AuthError: "auth",
      CancelledError: "cancelled",
      TimeoutError: "timeout",
      ConnectionStringError: "connection_string",
      InvalidArgumentError: "invalid_argument",
      ProtocolError: "protocol",
      IdempotencyConflictError: "idempotency_conflict",
      ValidationError: "validation",
      RecordEncodeError: "encode",
      RecordDecodeError: "decode",
      SchemaMismatchError: "schema_mismatch",
    });
  });
});

describe("a guard per class", () => {
  const classes = errorClasses(runtime);

  /** Each guard accepts exactly the instances of its class and its subclasses, whichever copy made them. */
  function expectGuards(made: Record<string, LakehouseError>, classesOfMaker: Map<string, ErrorClass>): void {
    for (const name of classes.keys()) {
      const guard = guardOf(runtime, name);
      const cls = classesOfMaker.get(name);
      if (cls === undefined) throw new Error(`no class ${name}`);
      for (const [madeName, error] of Object.entries(made)) {
        expect(guard(error), `is${name}(${madeName})`).toBe(error instanceof cls);
      }
      expect(guard(new Error("x")), `is${name}(Error)`).toBe(false);
      expect(guard({ code: "spark", message: "look-alike" }), `is${name}(look-alike)`).toBe(false);
      expect(guard(undefined)).toBe(false);
    }
  }

  test("in one copy of the package, a guard is instanceof", () => {
    expectGuards(instances(runtime), classes);
  });

  test("errors of a second copy of the package pass the first copy's guards, and only those they should", async () => {
    vi.resetModules();
    const copy = (await import("../../runtime/src/index.js")) as Runtime;
    expect(copy.LakehouseError).not.toBe(runtime.LakehouseError);
    const made = instances(copy);
    // instanceof fails across copies, which is why the guards do not use it
    expect(made.ValidationError instanceof ValidationError).toBe(false);
    expectGuards(made, errorClasses(copy));
    // …and the other way round: the second copy's guards on this copy's errors
    for (const [name, error] of Object.entries(instances(runtime))) {
      expect(guardOf(copy, name)(error), `copy's is${name}`).toBe(true);
    }
  });

  test("isTimeoutError holds for any cancellation whose code is timeout, a timed-out write included", () => {
    const write = new runtime.WriteCancelledError(new runtime.TimeoutError(), { committed: undefined });
    expect(runtime.isTimeoutError(write)).toBe(true);
    expect(runtime.isCancelledError(write)).toBe(true);
    expect(runtime.isWriteCancelledError(write)).toBe(true);
    expect(runtime.isWriteCancelledError(new runtime.TimeoutError())).toBe(false);
  });

  test("the runtime branches on guards, not instanceof", () => {
    const src = join(repoRoot, "runtime/src");
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("gen/"),
    );
    const pattern = new RegExp(`instanceof (${[...classes.keys()].join("|")})\\b`);
    const offending = files.filter((f) => pattern.test(readFileSync(join(src, f), "utf8")));
    expect(offending).toEqual([]);
  });
});

describe("the code in the prefix, as connect-es prints it", () => {
  test("String(error) is `Name: [code] message`; message and rawMessage are the text alone", () => {
    const error = new AuthError("Databricks OAuth token request failed with HTTP 401");
    expect(String(error)).toBe("AuthError: [auth] Databricks OAuth token request failed with HTTP 401");
    expect(`${new CancelledError()}`).toBe("CancelledError: [cancelled] the operation was cancelled");
    expect(error.message).toBe("Databricks OAuth token request failed with HTTP 401");
    expect(error.rawMessage).toBe(error.message);
  });
});

describe("one renderer of problem lists", () => {
  test("inline or one a line, the rest counted", () => {
    expect(listProblems("head", ["a", "b", "c"])).toBe("head: a; b; c");
    expect(listProblems("head", ["a", "b", "c"], { max: 2 })).toBe("head: a; b; and 1 more");
    expect(listProblems("head", ["a", "b", "c"], { lines: true, max: 1, noun: "records" })).toBe(
      "head:\n  a\n  and 2 more records",
    );
  });

  test("every error that lists problems renders with it", () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ path: `[${i}].id`, message: "is missing" }));
    const items = issues.map((i) => `${i.path}: ${i.message}`);
    expect(new RecordEncodeError("t.R", issues).message).toBe(listProblems("cannot encode t.R", items, { max: 10 }));
    expect(new runtime.RecordDecodeError("t.R", issues).message).toBe(
      listProblems("cannot decode t.R", items, { max: 10 }),
    );
    expect(new runtime.JsonDecodeError("t.R", issues).message).toBe(
      listProblems("invalid JSON for t.R", items, { max: 10 }),
    );
    const violations = Array.from({ length: 22 }, () => violation);
    expect(new ValidationError("t.R", violations).message).toBe(
      listProblems("invalid t.R", violations.map(runtime.formatViolation), { lines: true, max: 20 }),
    );
    const rejects = Array.from({ length: 7 }, (_, index) => ({ index, issues: [violation, violation] }));
    const line = 'items[2].sku: must be at least 3 characters [string.min_len] (value: "ab")';
    expect(new RecordsRejectedError("t.R", 9, rejects).message).toBe(
      listProblems(
        "7 of 9 t.R records are invalid; nothing was written",
        rejects.map((r) => `record #${r.index}: ${line}; ${line}`),
        { lines: true, max: 5, noun: "records" },
      ),
    );
    for (const error of Object.values(instances(runtime))) {
      if (runtime.isIssuesError(error)) expect(error.issues.length, error.name).toBeGreaterThan(0);
    }
  });
});

describe("a rejected insert", () => {
  test("keeps each violation's rule id in its message, and every issue by record index", async () => {
    const session = { endpoint: "sc://localhost:15002" } as unknown as SparkSession;
    const table = new RecordTable(session, Order, { tableName: "shop.orders" });
    const valid = () =>
      new Order({
        orderId: "ord_1",
        customerId: "c1",
        status: "STATUS_PLACED",
        lines: [{ sku: "SKU-1", quantity: 2 }],
        payment: { case: "voucherCode", value: "ABCD1234" },
      });
    const badSku = valid();
    badSku.lines[0]!.sku = "ab";
    const tooMany = valid();
    tooMany.lines[0]!.quantity = 2 ** 33; // a valid uint32 by the rules' check, but not a uint32 column value
    // Validated and encoded before anything is sent (insertRecords; insertRecordsSql refuses Order's list columns).
    const error = await Promise.resolve()
      .then(() => table.prepareBatch([valid(), badSku, valid(), tooMany]))
      .catch((e: unknown) => e);
    expect(isRecordsRejectedError(error)).toBe(true);
    const rejected = error as RecordsRejectedError;
    expect(rejected.code).toBe("records_rejected");
    expect(rejected.message).toContain(
      'record #1: lines[0].sku: must be at least 3 characters [string.min_len] (value: "ab")',
    );
    expect(rejected.message).toContain("record #3: lines[0].quantity: is out of range for uint32");
    expect(rejected.rejects.map((r) => [r.index, r.issues.map((i) => i.path)])).toEqual([
      [1, ["lines[0].sku"]],
      [3, ["lines[0].quantity"]],
    ]);
    expect(rejected.issues.map((i) => i.path)).toEqual(["[1].lines[0].sku", "[3].lines[0].quantity"]);
  });
});

describe("the Arrow encoder reports { index, path }", () => {
  const Item: RecordDescriptor = {
    typeName: "t.Item",
    fields: [field("sku", 1, { kind: "scalar", scalar: "string" })],
    oneofs: [],
  };
  const d: RecordDescriptor = {
    typeName: "t.R",
    fields: [
      field("id", 1, { kind: "scalar", scalar: "int32" }),
      field("items", 2, { kind: "list", element: { kind: "message", record: () => Item } }),
      field("labels", 3, { kind: "map", key: "string", value: { kind: "scalar", scalar: "string" } }),
    ],
    oneofs: [],
  };

  test("rejects by record, paths within it; issues in the order found, the index in front", () => {
    let error: unknown;
    try {
      toArrow(d, [
        { id: 1, items: [], labels: new Map() },
        { id: 2 ** 31, items: [{ sku: "a" }, { sku: 5 }], labels: new Map([[7, "x"]]) },
        5 as unknown as object,
      ]);
    } catch (e) {
      error = e;
    }
    expect(runtime.isRecordEncodeError(error)).toBe(true);
    const encode = error as RecordEncodeError;
    expect(encode.rejects).toEqual([
      {
        index: 1,
        issues: [
          { path: "id", message: "is out of range for int32 (-2147483648 to 2147483647)", value: "2147483648" },
          { path: "items[1].sku", message: "must be a string", value: "5" },
          { path: "labels[7] (key)", message: "must be a string", value: "7" },
        ],
      },
      { index: 2, issues: [{ path: "", message: "must be an object" }] },
    ]);
    expect(encode.issues.map((i) => i.path)).toEqual(["[2]", "[1].id", "[1].items[1].sku", "[1].labels[7] (key)"]);
    expect(encode.message).toMatch(/^cannot encode t\.R: \[2\]: must be an object; \[1\]\.id: is out of range/);
  });

  test("one record (encodeJson) has no rejects", () => {
    expect(() => runtime.encodeJson(d, { id: 1.5, items: [], labels: new Map() })).toThrow(RecordEncodeError);
    try {
      runtime.encodeJson(d, { id: 1.5, items: [], labels: new Map() });
    } catch (e) {
      expect((e as RecordEncodeError).rejects).toBeUndefined();
    }
  });
});

describe("validate() on a rule that cannot be evaluated", () => {
  const ws = new ContractWorkspace({
    "ratio/v1/ratio.proto": `syntax = "proto3";
package ratio.v1;
import "buf/validate/validate.proto";
message Ratio {
  option (buf.validate.message).cel = {
    id: "ratio.positive"
    message: "a / b must be positive"
    expression: "this.a / this.b > 0"
  };
  int64 a = 1;
  int64 b = 2;
}
`,
  });
  afterAll(() => ws.dispose());

  interface RatioClass {
    new (init: { a?: bigint; b?: bigint }): object;
    validate(value: { a?: bigint; b?: bigint }): runtime.ValidationResult;
    check(record: object): Violation[];
    assertValid(record: object): void;
    readonly "~standard": runtime.StandardSchemaV1["~standard"];
  }

  /** The generated class, transpiled, importing the built runtime (another copy than runtime/src). */
  async function ratioClass(): Promise<RatioClass> {
    const response = ws.generate("ratio/v1/ratio.proto");
    const file = response.file.find((f) => f.name.endsWith("_lakehouse.ts"));
    if (file === undefined) throw new Error("nothing generated");
    const js = ts.transpileModule(file.content, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    symlinkSync(join(repoRoot, "node_modules"), join(ws.dir, "node_modules"), "dir");
    const path = join(ws.dir, "ratio_lakehouse.mjs");
    writeFileSync(path, js);
    return ((await import(path)) as { Ratio: RatioClass }).Ratio;
  }

  test('gives { kind: "error" } with the CelRuntimeError; check and assertValid throw it', async () => {
    const Ratio = await ratioClass();
    expect(Ratio.validate({ a: 4n, b: 2n })).toEqual({ kind: "valid" });
    expect(Ratio.validate({ a: -4n, b: 2n }).kind).toBe("invalid");
    const result = Ratio.validate({ a: 1n, b: 0n });
    expect(result.kind).toBe("error");
    if (result.kind !== "error") return;
    expect(isCelRuntimeError(result.error)).toBe(true);
    expect(isRuleEvaluationError(result.error)).toBe(true);
    expect(isValidationError(result.error)).toBe(false);
    expect(result.error.code).toBe("cel_runtime");
    expect(result.error.message).toMatch(/^CEL expression "this\.a \/ this\.b > 0" failed: /);
    const record = new Ratio({ a: 1n, b: 0n });
    expect(() => Ratio.check(record)).toThrow(/this\.a \/ this\.b > 0/);
    expect(() => Ratio.assertValid(record)).toThrow(/this\.a \/ this\.b > 0/);
    const standard = Ratio["~standard"].validate({ a: 1n, b: 0n });
    expect("issues" in standard && standard.issues?.[0]?.message).toBe(result.error.message);
  });
});
