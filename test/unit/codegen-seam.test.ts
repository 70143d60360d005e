/**
 * The runtime's codegen seam (`@lakehouse-contracts/runtime/codegenv1`): generated code imports nothing else of the
 * runtime; it exports every helper a compiled validator can call; its record base defines the members the schema
 * package reserves (and the plugin escapes), no more; the inherited statics need no `this`, as the per-class ones
 * they replace did not; and a class that is not described, or shares a base, is refused.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RECORD_INSTANCE_MEMBERS } from "@lakehouse-contracts/schema";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { order as orderRows } from "../../bench/rows/index.js";
import { Money } from "../../generated/shop/v1/common_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import runtimePackage from "../../runtime/package.json" with { type: "json" };
import * as seam from "../../runtime/src/codegenv1/index.js";
import * as validate from "../../runtime/src/validate/index.js";
import { repoRoot } from "../../tools/lib/paths.js";

const generated = join(repoRoot, "generated");
const generatedFiles = readdirSync(generated, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .sort();

const importsOf = (file: string): string[] =>
  ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);

describe("generated code", () => {
  test("imports the runtime only through its codegenv1 seam, and otherwise only other generated files", () => {
    expect(generatedFiles.length).toBeGreaterThanOrEqual(5);
    for (const file of generatedFiles) {
      const specifiers = importsOf(join(generated, file));
      expect(specifiers, file).toContain("@lakehouse-contracts/runtime/codegenv1");
      expect(
        specifiers.filter(
          (s) => s !== "@lakehouse-contracts/runtime/codegenv1" && !/^\.{1,2}\/[\w/.-]+_lakehouse\.js$/.test(s),
        ),
        file,
      ).toEqual([]);
    }
  });

  test("the runtime package exports the seam", () => {
    expect(runtimePackage.exports["./codegenv1"]).toEqual({
      types: "./dist/codegenv1/index.d.ts",
      default: "./dist/codegenv1/index.js",
    });
  });
});

describe("the seam's exports", () => {
  /** The plugin's emitters and rules, as text: every runtime symbol they print is named there as a string. */
  const pluginText = readdirSync(join(repoRoot, "protoc-gen-lakehouse/src"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.startsWith("gen/"))
    .map((f) => readFileSync(join(repoRoot, "protoc-gen-lakehouse/src", f), "utf8"))
    .join("\n");

  test("every validation helper the plugin can print is exported by the seam", () => {
    const printed = Object.keys(validate).filter((name) => pluginText.includes(`"${name}"`));
    // …and the scan sees them: a string check, a format and CEL.
    expect(printed).toEqual(expect.arrayContaining(["codepoints", "isEmail", "celRule", "InvalidRulesError"]));
    expect(printed.filter((name) => !(name in seam))).toEqual([]);
  });

  test("the seam's values: the bases, describe, ingest ids and the validator helpers", () => {
    expect(Object.keys(seam).sort()).toEqual(
      [
        "CODEGEN_SEAM",
        "InvalidRulesError",
        "RECORD_INSTANCE_MEMBERS",
        "Violations",
        "allUnique",
        "anyTypeUrl",
        "bytesContain",
        "bytesEndWith",
        "bytesEqual",
        "bytesIn",
        "bytesMatch",
        "bytesStartWith",
        "celRule",
        "codepoints",
        "describe",
        "describeEnum",
        "epochMicrosOf",
        "fieldMaskTouches",
        "fieldMaskWithin",
        "isAddress",
        "isEmail",
        "isHeaderName",
        "isHeaderValue",
        "isHostAndPort",
        "isHostname",
        "isIp",
        "isIpPrefix",
        "isProtobufDotFqn",
        "isProtobufFqn",
        "isTuuid",
        "isUlid",
        "isUri",
        "isUriRef",
        "isUtf8",
        "isUuid",
        "microsFromNow",
        "newIngestId",
        "nowMicros",
        "re2",
        "record",
        "stringsEqual",
        "subscript",
        "table",
        "utf8Bytes",
      ].sort(),
    );
    expect(seam.CODEGEN_SEAM).toBe("codegenv1");
    // The names the plugin escapes are the schema package's, which the seam's base is held to (below).
    expect(seam.RECORD_INSTANCE_MEMBERS).toBe(RECORD_INSTANCE_MEMBERS);
  });
});

/** Own property names along a prototype chain, up to (not including) `stop`. */
function chainNames(start: object, stop: object): string[] {
  const names: string[] = [];
  for (let o: object | null = start; o !== null && o !== stop; o = Object.getPrototypeOf(o)) {
    names.push(...Object.getOwnPropertyNames(o));
  }
  return names;
}

describe("the record base", () => {
  test("its instance members are the schema package's RECORD_INSTANCE_MEMBERS, which the plugin escapes", () => {
    for (const cls of [Money, Order]) {
      const base = Object.getPrototypeOf(cls.prototype) as object;
      const members = chainNames(base, Object.prototype).filter((n) => n !== "constructor");
      expect(members.sort()).toEqual([...RECORD_INSTANCE_MEMBERS].sort());
    }
  });

  test("its static members: today's per-class ones; tables add table and createTableSql", () => {
    const statics = (cls: object) =>
      chainNames(Object.getPrototypeOf(cls), Function.prototype)
        .filter((n) => !["length", "name", "prototype"].includes(n))
        .sort();
    const record = [
      "~standard",
      "arrowSchema",
      "assertValid",
      "check",
      "create",
      "fromArrow",
      "fromJson",
      "fromProto",
      "parquetSchema",
      "pick",
      "safeFromJson",
      "sparkDdl",
      "sparkSchema",
      "toArrow",
      "toParquet",
      "validate",
    ].sort();
    expect(statics(Money)).toEqual(record);
    expect(statics(Order)).toEqual([...record, "createTableSql", "table"].sort());
    // The class itself: its descriptor and its validator.
    expect(
      Object.getOwnPropertyNames(Money)
        .filter((n) => !["length", "name", "prototype"].includes(n))
        .sort(),
    ).toEqual(["checkAt", "descriptor"]);
  });

  test("statics need no `this`: they can be passed around, as the per-class ones could", () => {
    const orders = [orderRows.row(1), orderRows.row(2)];
    const json = orders.map((o) => o.toJson());
    const decoded = json.map(Order.fromJson);
    expect(decoded.every((o) => o instanceof Order)).toBe(true);
    expect(decoded.map((o) => o.orderId)).toEqual(["ord_1", "ord_2"]);
    expect(json.map(Order.safeFromJson).every((r) => r.ok)).toBe(true);
    const { check, validate, create, assertValid } = Order;
    expect(orders.map((o) => check(o))).toEqual([[], []]);
    expect(validate(orders[0]!)).toEqual({ kind: "valid" });
    expect(create({ orderId: "ord_9" })).toBeInstanceOf(Order);
    expect(() => assertValid(new Order())).toThrow(/order_id/);
    const { fromArrow, toArrow } = Money;
    expect(fromArrow(toArrow([new Money({ amount: "1.25" })]))).toEqual([new Money({ amount: "1.25" })]);
    const standard = Order["~standard"];
    expect(standard.validate({ orderId: "x" })).toMatchObject({ issues: expect.any(Array) });
  });

  test("a subclass of a generated class gets the generated class from the statics, as before", () => {
    class Special extends Money {}
    expect(Special.create({ amount: "1.00" })).toBeInstanceOf(Money);
    expect(Special.create({ amount: "1.00" })).not.toBeInstanceOf(Special);
    expect(Special.descriptor).toBe(Money.descriptor);
    expect(new Special({ amount: "2.50" }).toJson()).toEqual(new Money({ amount: "2.50" }).toJson());
  });

  test("a class must describe itself, once per base", () => {
    class Undescribed extends seam.record<object, object>() {
      static checkAt(): void {}
    }
    expect(() => Undescribed.create()).toThrow(/describe\(this, …\)/);
    expect(() => seam.describe(class NotARecord {}, { typeName: "t.v1.X", fields: [] })).toThrow(
      "NotARecord does not extend record() or table() of codegenv1",
    );
    const base = seam.record<object, object>();
    class First extends base {
      static readonly descriptor = seam.describe(this, { typeName: "t.v1.First", fields: [] });
      static checkAt(): void {}
    }
    expect(First.descriptor.typeName).toBe("t.v1.First");
    expect(
      () =>
        class Second extends base {
          static readonly descriptor = seam.describe(this, { typeName: "t.v1.Second", fields: [] });
        },
    ).toThrow("Second: this base is First's; each record class calls record()");
  });
});
