/**
 * The CEL fallback of generated validators (runtime `celRule`: record values as CEL sees them, presence, defaults,
 * `now`, predefined `rule` values, runtime errors) and what the plugin emits for CEL, Duration/Timestamp and
 * predefined rules: compiled checks where it can, `celRule` constants where it cannot, generation errors for CEL that
 * cannot be right.
 */
import type { RecordDescriptor } from "@lakehouse-contracts/runtime";
import { CelRuntimeError, celRule } from "@lakehouse-contracts/runtime/validate";
import { afterAll, describe, expect, test } from "vitest";
import { ContractWorkspace } from "./plugin-harness.js";

const inner: RecordDescriptor = {
  typeName: "t.Inner",
  fields: [
    { name: "a", protoName: "a", jsonName: "a", number: 1, column: "a", type: scalar("int32"), nullable: false },
  ],
  oneofs: [],
};

const outer: RecordDescriptor = {
  typeName: "t.Outer",
  fields: [
    { name: "n", protoName: "n", jsonName: "n", number: 1, column: "n", type: scalar("int64"), nullable: false },
    {
      name: "inner",
      protoName: "inner",
      jsonName: "inner",
      number: 2,
      column: "inner",
      type: { kind: "message", record: () => inner },
      nullable: true,
    },
    {
      name: "status",
      protoName: "status",
      jsonName: "status",
      number: 3,
      column: "status",
      type: {
        kind: "enum",
        enum: {
          typeName: "t.Status",
          values: [
            { name: "STATUS_UNSPECIFIED", number: 0 },
            { name: "STATUS_OK", number: 1 },
          ],
        },
      },
      nullable: false,
    },
  ],
  oneofs: [],
};

function scalar(s: "int32" | "int64" | "uint32" | "string"): { kind: "scalar"; scalar: typeof s } {
  return { kind: "scalar", scalar: s };
}

const spec = { id: "r", message: "" } as const;

describe("celRule", () => {
  test("maps and lists: macros over converted keys and values", () => {
    const all = celRule({
      ...spec,
      expression: "this.all(k, this[k] == uint(1))",
      type: { kind: "map", key: "uint32", value: scalar("uint32") },
    });
    expect(all.check(new Map([[1, 1]]))).toBeUndefined();
    expect(all.check(new Map([[1, 2]]))).toBe('"this.all(k, this[k] == uint(1))" returned false');
    const list = celRule({
      ...spec,
      expression: "this.exists(e, e % 2 == 0)",
      type: { kind: "list", element: scalar("int32") },
    });
    expect(list.check([1, 3])).toBeDefined();
    expect(list.check([1, 4])).toBeUndefined();
  });

  test("records: enums are numbers, has() is presence, an unset nested record reads as its defaults", () => {
    const rule = celRule({
      ...spec,
      expression: "!has(this.inner) && this.inner.a == 0 && this.status == 1 && !has(this.n)",
      type: { kind: "message", record: () => outer },
    });
    expect(rule.check({ n: 0n, status: "STATUS_OK" })).toBeUndefined();
    expect(rule.check({ n: 0n, status: "STATUS_OK", inner: { a: 1 } })).toBeDefined();
    expect(rule.check({ n: 5n, status: "STATUS_OK" })).toBeDefined();
  });

  test("a string result is the message unless the rule has its own; `now`, durations and timestamps", () => {
    const text = celRule({ ...spec, expression: "this > 0 ? '' : 'not positive'", type: scalar("int32") });
    expect(text.check(-1)).toBe("not positive");
    expect(
      celRule({ ...spec, message: "mine", expression: "this > 0 ? '' : 'x'", type: scalar("int32") }).check(-1),
    ).toBe("mine");
    const past = celRule({ ...spec, expression: "this < now", type: { kind: "timestamp" } });
    expect(past.check(new Date(0))).toBeUndefined();
    expect(past.check(new Date(Date.now() + 3_600_000))).toBeDefined();
    const short = celRule({ ...spec, expression: "this <= duration('10s')", type: { kind: "duration" } });
    expect(short.check(10_000_000n)).toBeUndefined();
    expect(short.check(10_000_001n)).toBeDefined();
  });

  test("predefined rules see their value as `rule`", () => {
    const abs = celRule({
      ...spec,
      expression: "this in rule || this in rule.map(n, -n)",
      type: scalar("int64"),
      rule: { value: [-2n], type: { kind: "list", element: { kind: "wrapper", scalar: "int64" } } },
    });
    expect(abs.check(2n)).toBeUndefined();
    expect(abs.check(3n)).toBeDefined();
  });

  test("evaluation errors are CelRuntimeErrors", () => {
    const dyn = celRule({
      ...spec,
      expression: "dyn(this).b == 'foo'",
      type: { kind: "message", record: () => inner },
    });
    expect(() => dyn.check({ a: 1 })).toThrow(CelRuntimeError);
    const notBool = celRule({ ...spec, expression: "this + 1", type: scalar("int32") });
    expect(() => notBool.check(1)).toThrow(/not a bool or a string/);
  });
});

describe("the plugin", () => {
  const ws = new ContractWorkspace({
    // Only proto2 (and editions) files can extend a rules message.
    "cel/v1/rules.proto": `syntax = "proto2";
package cel.v1;
import "buf/validate/validate.proto";
extend buf.validate.Int32Rules {
  optional bool even = 80001 [(buf.validate.predefined).cel = {id: "int32.even", expression: "this % 2 == 0"}];
}
`,
    "cel/v1/cel.proto": `syntax = "proto3";
package cel.v1;
import "buf/validate/validate.proto";
import "cel/v1/rules.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
message Event {
  option (buf.validate.message).cel = {id: "later", message: "end after start", expression: "this.end_s > this.start_s"};
  int32 start_s = 1 [(buf.validate.field).int32.(even) = true];
  int32 end_s = 2 [(buf.validate.field).int32.gt = 0];
  map<string, int32> counts = 3 [(buf.validate.field).cel = {id: "counts", expression: "this.all(k, this[k] > 0)"}];
  google.protobuf.Duration ttl = 4 [(buf.validate.field).duration = {gt: {seconds: 1}, lte: {seconds: 60}}];
  google.protobuf.Timestamp at = 5 [(buf.validate.field).timestamp.lt_now = true];
}
`,
    "bad/v1/bad.proto": `syntax = "proto3";
package bad.v1;
import "buf/validate/validate.proto";
message Bad {
  option (buf.validate.message).cel = {id: "missing", expression: "this.nope > 0"};
  int32 a = 1 [(buf.validate.field).cel = {id: "type", expression: "this.startsWith('x')"}];
  int32 b = 2 [(buf.validate.field).cel = {id: "syntax", expression: "this >"}];
}
`,
  });
  afterAll(() => ws.dispose());

  test("compiles simple rules to TypeScript and interprets only what it cannot compile", () => {
    const source = ws.generate("cel/v1/cel.proto").file[0]?.content ?? "";
    expect(source).toContain("(r.endS > r.startS)");
    expect(source).toContain('"duration.gt_lte", "must be greater than 1s and less than or equal to 60s"');
    expect(source).toContain('"timestamp.lt_now"');
    expect(source).toContain('expression: "this % 2 == 0"');
    expect(source).toContain('"int32.[cel.v1.even]"');
    expect(source).toContain('expression: "this.all(k, this[k] > 0)"');
    expect(source.match(/= celRule\(/g)).toHaveLength(2);
  });

  test("CEL that cannot be right fails generation with the file, message and field", () => {
    let message = "";
    try {
      ws.generate("bad/v1/bad.proto");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("bad/v1/bad.proto: message bad.v1.Bad: CEL expression");
    expect(message).toContain("bad.v1.Bad has no field nope");
    expect(message).toContain("field a: CEL expression");
    expect(message).toContain("startsWith() is not a method of int");
    expect(message).toContain("field b: CEL expression");
    expect(message).toContain("does not parse");
  });
});
