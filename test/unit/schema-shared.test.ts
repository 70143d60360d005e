/**
 * One type model: `@lakehouse-contracts/schema` holds the field types, the record and table descriptors, SQL quoting,
 * the Spark type mapping and the CREATE TABLE text, and the plugin, contract review and the runtime import it
 * instead of keeping copies. Checked three ways: on the sources (each definition, by name and by a line of its
 * text, is written once, in schema/src), on the packages (each depends on the schema package and imports it, and the
 * schema package depends on nothing), and on behaviour (the plugin's model of the example contracts and the
 * generated descriptors give the same Spark schema, DDL and CREATE TABLE through the one mapping).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  createTableStatement,
  qualifiedName,
  quoteIdentifier,
  sparkDdl,
  sparkSchema,
  sparkTypeSql,
  sqlString,
  structFields,
} from "@lakehouse-contracts/schema";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import * as common from "../../generated/shop/v1/common_lakehouse.js";
import * as customer from "../../generated/shop/v1/customer_lakehouse.js";
import * as order from "../../generated/shop/v1/order_lakehouse.js";
import * as report from "../../generated/shop/v1/report_lakehouse.js";
import { buildRecord, messagesOf, recordColumns } from "../../protoc-gen-lakehouse/src/model/index.js";
import * as review from "../../review/src/index.js";
import type { RecordDescriptor } from "../../runtime/src/index.js";
import * as runtimeSqlText from "../../runtime/src/records/sql-text.js";
import * as runtimeTableSql from "../../runtime/src/records/table-sql.js";
import { repoRoot } from "../../tools/lib/paths.js";
import { buf } from "./plugin-harness.js";

const PACKAGES = ["schema", "protoc-gen-lakehouse", "review", "runtime"] as const;

/** The .ts sources of a package (generated protobuf code left out), relative to the repository. */
function sources(pkg: string): string[] {
  const dir = join(repoRoot, pkg, "src");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.startsWith("gen/") && !f.endsWith(".test.ts"))
    .map((f) => relative(repoRoot, join(dir, f)))
    .sort();
}

const allSources = PACKAGES.flatMap(sources);
const parsed = new Map(
  allSources.map((file) => [
    file,
    ts.createSourceFile(file, readFileSync(join(repoRoot, file), "utf8"), ts.ScriptTarget.ES2022, true),
  ]),
);

/** The names a file declares at its top level: types, interfaces, functions, classes, enums and variables. */
function declaredNames(source: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const node of source.statements) {
    if (
      ts.isTypeAliasDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isEnumDeclaration(node)
    ) {
      if (node.name !== undefined) names.push(node.name.text);
    } else if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    }
  }
  return [...new Set(names)];
}

/** The files that declare `name` at their top level. */
function declaring(name: string): string[] {
  return allSources.filter((file) => declaredNames(parsed.get(file)!).includes(name));
}

/** A file's code without comments (printed again by TypeScript), so that a doc comment is no copy. */
const codeOf = (file: string): string =>
  ts.createPrinter({ removeComments: true }).printFile(parsed.get(file)!).replaceAll(/\s+/g, " ");

/** The files whose code matches `pattern`. */
function writing(pattern: RegExp): string[] {
  return allSources.filter((file) => pattern.test(codeOf(file)));
}

/** The module specifiers a file imports or re-exports, static and dynamic, type-only included. */
const importsOf = (file: string): string[] =>
  ts.preProcessFile(readFileSync(join(repoRoot, file), "utf8"), true, true).importedFiles.map((f) => f.fileName);

describe("each definition of the type model is written once, in schema/src", () => {
  test("the scan sees every package's sources", () => {
    expect(allSources).toEqual(
      expect.arrayContaining([
        "schema/src/descriptor.ts",
        "protoc-gen-lakehouse/src/mapping/column-type.ts",
        "review/src/snapshot.ts",
        "runtime/src/records/descriptor.ts",
      ]),
    );
    // …and would see a second definition.
    expect(declaredNames(parsed.get("protoc-gen-lakehouse/src/mapping/column-type.ts")!)).toContain("ColumnType");
  });

  test.each([
    ["ScalarKind", "schema/src/descriptor.ts"],
    ["Int64Representation", "schema/src/descriptor.ts"],
    ["JsonWellKnown", "schema/src/descriptor.ts"],
    ["EnumDescriptor", "schema/src/descriptor.ts"],
    ["FieldType", "schema/src/descriptor.ts"],
    ["ColumnDescriptor", "schema/src/descriptor.ts"],
    ["FieldDescriptor", "schema/src/descriptor.ts"],
    ["OneofDescriptor", "schema/src/descriptor.ts"],
    ["TableDescriptor", "schema/src/descriptor.ts"],
    ["RecordDescriptor", "schema/src/descriptor.ts"],
    ["IngestRole", "schema/src/descriptor.ts"],
    ["is64Bit", "schema/src/field-type.ts"],
    ["zeroEnumValue", "schema/src/field-type.ts"],
    ["quoteIdentifier", "schema/src/sql-text.ts"],
    ["sqlString", "schema/src/sql-text.ts"],
    ["qualifiedName", "schema/src/sql-text.ts"],
    ["TableName", "schema/src/sql-text.ts"],
    ["AtomicName", "schema/src/spark-type.ts"],
    ["SparkType", "schema/src/spark-type.ts"],
    ["StructField", "schema/src/spark-type.ts"],
    ["scalarSparkType", "schema/src/spark-type.ts"],
    ["sparkTypeOf", "schema/src/spark-type.ts"],
    ["sparkTypeSql", "schema/src/spark-type.ts"],
    ["SparkDataType", "schema/src/spark-schema.ts"],
    ["SparkStructType", "schema/src/spark-schema.ts"],
    ["SparkStructField", "schema/src/spark-schema.ts"],
    ["SparkArrayType", "schema/src/spark-schema.ts"],
    ["SparkMapType", "schema/src/spark-schema.ts"],
  ])("%s is declared only in %s", (name, file) => {
    expect(declaring(name)).toEqual([file]);
  });

  test.each([
    // The runtime keeps its public functions: a check of the descriptor (or its own error) around the schema's.
    ["sparkSchema", ["schema/src/spark-schema.ts", "runtime/src/records/spark-schema.ts"]],
    ["sparkDdl", ["schema/src/spark-schema.ts", "runtime/src/records/spark-schema.ts"]],
    ["parseTableName", ["runtime/src/records/sql-text.ts"]],
    ["createTableSql", ["review/src/table-sql.ts", "runtime/src/records/table-sql.ts"]],
  ])("%s is declared only as a wrapper of the schema package's", (name, files) => {
    expect(declaring(name)).toEqual(files);
    for (const file of files.filter((f) => !f.startsWith("schema/"))) {
      expect(importsOf(file)).toContain("@lakehouse-contracts/schema");
    }
  });

  test.each([
    ["the scalar kinds", /"fixed64" \| "float"/],
    ["identifier quoting", /replaceAll\("`", "``"\)/],
    ["string literal escaping", /replaceAll\("'", "\\\\'"\)/],
    ["uint64 → DECIMAL(20,0)", /precision: 20, scale: 0/],
    ["DECIMAL DDL", /return `DECIMAL\(\$\{/],
    ["Spark's JSON type names", /BIGINT: "long"|return "long"/],
    ["the StructType JSON of arrays", /type: "array", elementType/],
    ["the StructType JSON of maps", /valueContainsNull: true/],
    ["NOT NULL of a column", /" NOT NULL"/],
    ["the CREATE TABLE text", /\) USING delta`/],
    ["PARTITIONED BY", /`PARTITIONED BY \(/],
    ["table name parsing", /is not a plain identifier/],
    ["FieldMask as its paths", /wellKnown: "FieldMask"/],
  ])("%s: written in schema/src only", (_what, pattern) => {
    const files = writing(pattern);
    expect(files.length).toBeGreaterThan(0);
    // Spark Connect's proto literals name their `long` case: a different model (runtime/src/spark, runtime/src/tables).
    expect(files.filter((f) => !f.startsWith("schema/src/") && !/^runtime\/src\/(spark|tables)\//.test(f))).toEqual([]);
  });

  test('no field type of a kind of its own for FieldMask (it is `list` with `wellKnown: "FieldMask"`)', () => {
    expect(writing(/kind: "fieldMask"|case "fieldMask"/)).toEqual([]);
  });
});

describe("the plugin, review and the runtime import the schema package", () => {
  const manifest = (pkg: string) =>
    JSON.parse(readFileSync(join(repoRoot, pkg, "package.json"), "utf8")) as {
      version: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };

  test.each(["protoc-gen-lakehouse", "review", "runtime"])("%s depends on it and imports it", (pkg) => {
    expect(manifest(pkg).dependencies?.["@lakehouse-contracts/schema"]).toBe(manifest("schema").version);
    expect(
      sources(pkg).filter((file) => importsOf(file).includes("@lakehouse-contracts/schema")).length,
    ).toBeGreaterThan(0);
  });

  test("the schema package is pure: no dependency, only its own modules, no Node.js built-ins or globals", () => {
    const schema = manifest("schema");
    expect(schema.dependencies ?? {}).toEqual({});
    expect(schema.peerDependencies ?? {}).toEqual({});
    const files = sources("schema");
    expect(files).toContain("schema/src/index.ts");
    for (const file of files) {
      expect(
        importsOf(file).filter((s) => !/^\.\/[\w-]+\.js$/.test(s)),
        file,
      ).toEqual([]);
      expect(codeOf(file), file).not.toMatch(/\b(process|globalThis|require|Buffer)\b/);
    }
  });

  test("the runtime's and review's quoting and DDL functions are the schema package's own", () => {
    expect(runtimeSqlText.quoteIdentifier).toBe(quoteIdentifier);
    expect(runtimeSqlText.sqlString).toBe(sqlString);
    expect(runtimeTableSql.qualifiedName).toBe(qualifiedName);
    expect(review.sparkTypeSql).toBe(sparkTypeSql);
  });
});

describe("one mapping: the plugin's model and the generated descriptors agree", () => {
  const registry = review.loadContracts(undefined, { contracts: join(repoRoot, "contracts"), buf });
  const generated = new Map<string, RecordDescriptor>();
  for (const module of [common, customer, order, report]) {
    for (const value of Object.values(module)) {
      const descriptor = (value as { descriptor?: RecordDescriptor }).descriptor;
      if (typeof value === "function" && descriptor !== undefined) generated.set(descriptor.typeName, descriptor);
    }
  }
  const models = [...registry.files]
    .filter((f) => f.name.startsWith("shop/"))
    .flatMap((f) => messagesOf(f))
    .map((m) => buildRecord(m, []));

  test("the scan sees the shop's records, tables and nested ones", () => {
    expect(models.map((m) => m.message.typeName)).toEqual(expect.arrayContaining(["shop.v1.Order", "shop.v1.Money"]));
    expect(models.every((m) => generated.has(m.message.typeName))).toBe(true);
  });

  test("the same StructType JSON and DDL column list", () => {
    for (const model of models) {
      const descriptor = generated.get(model.message.typeName)!;
      expect(sparkSchema({ fields: model.columns }, recordColumns)).toEqual(sparkSchema(descriptor));
      expect(sparkDdl({ fields: model.columns }, recordColumns), model.message.typeName).toBe(sparkDdl(descriptor));
    }
  });

  test("the same CREATE TABLE as the runtime's createTableSql", () => {
    for (const model of models.filter((m) => m.table !== undefined)) {
      const table = model.table!;
      const descriptor = generated.get(model.message.typeName)!;
      const fromModel = createTableStatement({
        target: qualifiedName(table),
        columns: structFields(model.columns, recordColumns),
        partitionBy: table.partitionBy,
        clusterBy: table.clusterBy,
        ...(table.comment === undefined ? {} : { comment: table.comment }),
        // The model's CHECK constraints (issue 21): the generated descriptor carries the same.
        ...(table.checks === undefined ? {} : { checks: table.checks }),
      });
      expect(fromModel).toBe(runtimeTableSql.createTableSql(descriptor));
    }
  });
});
