/**
 * contracts/lakehouse/test/v1/reserved_names.proto: fields named like the members of a record class. Properties that
 * would shadow a record method are escaped (`to_proto` → `toProto$`, `validate` → `validate$`, `to_json` →
 * `toJson$`; protobuf-es's own `constructor$`, `toString$`), static names stay (`descriptor`, `check`), and the class
 * works: construction, proto3 JSON (with the proto's JSON names), Arrow, validation (CEL on escaped properties too)
 * and protoc-gen-es interop. That it compiles is the type-check of generated/.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileRegistry, type DescMessage, fromBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ReservedNames, ReservedOneof } from "../../generated/lakehouse/test/v1/reserved_names_lakehouse.js";
import { repoRoot } from "../../tools/lib/paths.js";
import { buf, runWithBin } from "./plugin-harness.js";

const full = () =>
  new ReservedNames({
    id: 7n,
    toProto$: "to proto",
    validate$: "validate",
    descriptor: "descriptor",
    constructor$: "ctor",
    check: 3,
    toJson$: "to json",
    toString$: "to string",
    label: "shown",
    choice: { toJson$: { case: "toProto", value: "member" } },
  });

describe("ReservedNames", () => {
  test("escaped properties hold the fields; the record's methods and the class's statics are intact", () => {
    const r = full();
    expect(Object.keys(r)).toEqual([
      "id",
      "toProto$",
      "validate$",
      "descriptor",
      "constructor$",
      "check",
      "toJson$",
      "toString$",
      "label",
      "choice",
    ]);
    expect(r.constructor).toBe(ReservedNames);
    expect(typeof r.toProto).toBe("function");
    expect(typeof r.validate).toBe("function");
    expect(typeof r.toJson).toBe("function");
    expect(r.descriptor).toBe("descriptor");
    expect(ReservedNames.descriptor.typeName).toBe("lakehouse.test.v1.ReservedNames");
    expect(r.check).toBe(3);
    expect(ReservedNames.check(r)).toEqual([]);
    expect(ReservedNames.descriptor.fields.map((f) => [f.name, f.jsonName, f.column])).toEqual([
      ["id", "id", "id"],
      ["toProto$", "toProto", "to_proto"],
      ["validate$", "validate", "validate"],
      ["descriptor", "descriptor", "descriptor"],
      ["constructor$", "constructor", "constructor"],
      ["check", "check", "check"],
      ["toJson$", "toJson", "to_json"],
      ["toString$", "toString", "to_string"],
      ["label", "shownAs", "label"],
      ["choice", "choice", "choice"],
    ]);
    expect(ReservedOneof.descriptor.oneofs).toEqual([
      { name: "toJson$", protoName: "to_json", fields: ["toProto", "constructor"] },
    ]);
  });

  test("proto3 JSON uses the proto's JSON names, and round-trips", () => {
    const r = full();
    const json = r.toJson();
    expect(json).toEqual({
      id: "7",
      toProto: "to proto",
      validate: "validate",
      descriptor: "descriptor",
      constructor: "ctor",
      check: 3,
      toJson: "to json",
      toString: "to string",
      shownAs: "shown",
      choice: { toProto: "member" },
    });
    expect(ReservedNames.fromJson(json)).toEqual(r);
    expect(ReservedNames.fromJson({ constructor: "x", choice: { constructor: 5 } })).toMatchObject({
      constructor$: "x",
      choice: { toJson$: { case: "constructor", value: 5 } },
    });
    const unknown = ReservedNames.safeFromJson({ valueOf: 1 });
    expect(unknown.ok).toBe(false);
  });

  test("Arrow and Parquet: columns by the proto's names, records back equal", async () => {
    const r = full();
    const arrow = ReservedNames.toArrow([r]);
    expect(arrow.schema.fields.map((f) => f.name)).toEqual([
      "id",
      "to_proto",
      "validate",
      "descriptor",
      "constructor",
      "check",
      "to_json",
      "to_string",
      "label",
      "choice",
    ]);
    expect(ReservedNames.fromArrow(arrow)).toEqual([r]);
    expect(ReservedNames.sparkDdl).toContain("`to_proto` STRING NOT NULL");
    expect(ReservedNames.createTableSql()).toMatch(/^CREATE TABLE `reserved_names` \(`id` BIGINT NOT NULL/);
    const parquet = await ReservedNames.toParquet([r]);
    expect(new TextDecoder().decode(parquet.subarray(0, 4))).toBe("PAR1");
  });

  test("validation: rules and CEL on escaped properties, paths by proto names", () => {
    expect(full().validate()).toEqual({ kind: "valid" });
    const bad = new ReservedNames({
      id: 1n,
      toProto$: "same",
      validate$: "same",
      constructor$: "too long for it",
      check: -1,
      choice: { toJson$: { case: "toProto", value: "x" } },
    });
    expect(ReservedNames.check(bad).map((v) => `${v.path}: ${v.ruleId}`)).toEqual([
      "constructor: string.max_len",
      "check: int32.gte",
      "choice.to_proto: string.min_len",
      ": to_proto_not_validate",
    ]);
    expect(ReservedNames.validate({ id: 1n })).toMatchObject({ kind: "invalid" });
    expect(() => ReservedNames.assertValid(bad)).toThrow(/constructor: must be at most 8 characters/);
    expect(ReservedNames["~standard"].validate({ id: 1n, toProto$: "a" })).toMatchObject({
      value: expect.any(ReservedNames),
    });
  });
});

describe("protoc-gen-es interop", () => {
  const dir = mkdtempSync(join(tmpdir(), "lakehouse-reserved-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let schema: DescMessage;
  beforeAll(() => {
    // The contracts' descriptors (a buf image) give protobuf-es the message schema, as protoc-gen-es's would.
    const image = join(dir, "contracts.binpb");
    runWithBin(buf, ["build", "-o", image], repoRoot);
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
    schema = registry.getMessage("lakehouse.test.v1.ReservedNames") as DescMessage;
  }, 60_000);

  test("toProto and fromProto through protobuf-es's message of the same type", () => {
    const r = full();
    const message = r.toProto(schema);
    expect(toJson(schema, message)).toEqual(r.toJson());
    expect(ReservedNames.fromProto(schema, message)).toEqual(r);
  });
});
