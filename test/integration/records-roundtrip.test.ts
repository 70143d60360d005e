/**
 * The records runtime against the real Spark Connect + Delta server: records → Arrow → Spark → Delta → Arrow →
 * records is lossless for every field kind and extreme; the Delta table made by `createTableSql` has exactly
 * `sparkSchema`; and a Parquet file from `toParquet` reads in Spark with the same schema and rows.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DataType } from "../../runtime/src/gen/spark/connect/types_pb.js";
import {
  createTableSql,
  fromArrow,
  type SparkDataType,
  type SparkSession,
  type SparkStructType,
  sparkSchema,
  toArrow,
  toParquet,
} from "../../runtime/src/index.js";
import { Wide, wideRecords } from "../unit/records.testdata.js";
import { connect, deltaPath, tablePath } from "./helpers.js";

/** Spark Connect's DataType message as Spark's StructType JSON, to compare with `sparkSchema`. */
function toSparkJson(type: DataType | undefined): SparkDataType {
  const kind = type?.kind;
  switch (kind?.case) {
    case "struct":
      return {
        type: "struct",
        fields: kind.value.fields.map((f) => ({
          name: f.name,
          type: toSparkJson(f.dataType),
          nullable: f.nullable,
          metadata: f.metadata ? (JSON.parse(f.metadata) as { comment?: string }) : {},
        })),
      };
    case "array":
      return { type: "array", elementType: toSparkJson(kind.value.elementType), containsNull: kind.value.containsNull };
    case "map":
      return {
        type: "map",
        keyType: toSparkJson(kind.value.keyType),
        valueType: toSparkJson(kind.value.valueType),
        valueContainsNull: kind.value.valueContainsNull,
      };
    case "decimal":
      return `decimal(${kind.value.precision},${kind.value.scale})`;
    case "integer":
    case "long":
    case "float":
    case "double":
    case "boolean":
    case "string":
    case "binary":
    case "date":
    case "timestamp":
      return kind.case;
    default:
      throw new Error(`unexpected Spark type ${String(kind?.case)}`);
  }
}

/** Every field nullable, every array/map value nullable: what Spark reports for data read from files. */
function asNullable(type: SparkDataType): SparkDataType {
  if (typeof type === "string") return type;
  switch (type.type) {
    case "struct":
      return { type: "struct", fields: type.fields.map((f) => ({ ...f, nullable: true, type: asNullable(f.type) })) };
    case "array":
      return { type: "array", elementType: asNullable(type.elementType), containsNull: true };
    case "map":
      return { ...type, valueType: asNullable(type.valueType), valueContainsNull: true };
  }
}

const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  (a.id as bigint) < (b.id as bigint) ? -1 : (a.id as bigint) > (b.id as bigint) ? 1 : 0;
const expected = [...wideRecords].sort(byId);

describe("records round trip through Spark and Delta", () => {
  let spark: SparkSession;
  const path = tablePath("records");

  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("createTableSql creates a Delta table whose schema (in its log and as Spark reports it) is sparkSchema", async () => {
    await spark.sql(createTableSql(Wide, { location: path }));
    const log = await spark.read("text", [join(path, "_delta_log", "00000000000000000000.json")]).collect();
    const metaData = log
      .map(
        (row) => JSON.parse(row.value as string) as { metaData?: { schemaString: string; partitionColumns: string[] } },
      )
      .find((action) => action.metaData !== undefined)?.metaData;
    expect(JSON.parse(metaData?.schemaString ?? "null") as SparkStructType).toEqual(sparkSchema(Wide));
    expect(metaData?.partitionColumns).toEqual(["day"]);
    expect(toSparkJson(await spark.read("delta", [path]).schema())).toEqual(sparkSchema(Wide));
    const [detail] = await (await spark.sql(`DESCRIBE DETAIL ${deltaPath(path)}`)).collect();
    expect(detail?.description).toBe("All the types, it's wide");
  });

  test("toArrow → createDataFrame → append to Delta → read → fromArrow gives the records back, field for field", async () => {
    const df = await spark.createDataFrame(toArrow(Wide, wideRecords));
    await df.write.format("delta").mode("append").save(path);
    const table = await spark.read("delta", [path]).toArrow();
    expect(fromArrow(Wide, table).sort(byId)).toEqual(expected);
    // The append kept the table's schema (NOT NULL, comments) rather than replacing it with the DataFrame's.
    expect(toSparkJson(await spark.read("delta", [path]).schema())).toEqual(sparkSchema(Wide));
  });

  test("createTableSql with IF NOT EXISTS and a table name works on the server", async () => {
    const name = `records_${Date.now()}`;
    const location = tablePath("records_named");
    const sql = createTableSql(Wide, { tableName: name, location, ifNotExists: true });
    await spark.sql(sql);
    await spark.sql(sql);
    expect(toSparkJson(await spark.table(name).schema())).toEqual(sparkSchema(Wide));
    await spark.sql(`DROP TABLE ${name}`);
  });

  test("a Parquet file from toParquet reads in Spark with the same schema and rows", async () => {
    const folder = tablePath("records_parquet");
    mkdirSync(folder, { recursive: true });
    const file = join(folder, "wide.parquet");
    writeFileSync(file, await toParquet(Wide, wideRecords));
    const df = spark.read("parquet", [file]);
    // Spark reports data read from files as nullable; types, names and comments-free structure must match.
    const withoutComments = JSON.parse(
      JSON.stringify(sparkSchema(Wide)).replace(/"metadata":\{[^}]*\}/g, '"metadata":{}'),
    );
    expect(toSparkJson(await df.schema())).toEqual(asNullable(withoutComments as SparkStructType));
    expect(fromArrow(Wide, await df.toArrow()).sort(byId)).toEqual(expected);
  });
});
