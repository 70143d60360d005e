/** Schemas and DDL derived from a descriptor: exact Arrow types, Spark JSON and DDL, Parquet text, CREATE TABLE. */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  arrowSchema,
  createTableSql,
  parquetSchema,
  type RecordDescriptor,
  RecordSchemaError,
  sparkDdl,
  sparkSchema,
} from "../../runtime/src/index.js";
import { Address, Forest, field, LineItem, Money, TreeNode, Wide } from "./records.testdata.js";

const Order: RecordDescriptor = {
  typeName: "shop.v1.Order",
  table: {
    name: "orders",
    catalog: "main",
    schema: "shop",
    primaryKey: ["id"],
    partitionBy: [],
    clusterBy: ["customerId"],
  },
  fields: [
    field("id", 1, { kind: "scalar", scalar: "int64" }, { comment: "It's the id" }),
    field("customer_id", 2, { kind: "scalar", scalar: "string" }),
    field("lines", 3, { kind: "list", element: { kind: "message", record: () => LineItem } }),
    field("ship_to", 4, { kind: "message", record: () => Address }, { nullable: true }),
    field("odd`name", 5, { kind: "scalar", scalar: "bool" }, { nullable: true, column: "odd`name" }),
  ],
  oneofs: [],
};

describe("arrowSchema", () => {
  test("states every column type exactly (no inference)", () => {
    expect(String(arrowSchema(Wide))).toBe(
      "Schema<{ 0: id: Int64, 1: i32: Int32, 2: s32: Int32, 3: sf32: Int32, 4: i64_str: Int64, 5: i64_num: Int64, " +
        "6: sf64: Int64, 7: u32: Int64, 8: fx32: Int64, 9: u64: Decimal[20e0], 10: fx64: Decimal[20e0], " +
        "11: flt: Float32, 12: dbl: Float64, 13: flag: Bool, 14: name: Utf8, 15: data: Binary, 16: status: Utf8, " +
        "17: status_code: Int32, 18: created_at: Timestamp<MICROSECOND, UTC>, 19: day: Date32<DAY>, 20: ttl: Int64, " +
        "21: maybe_count: Int32, 22: maybe_total: Decimal[20e0], 23: attrs: Utf8, 24: value: Utf8, " +
        "25: price: Decimal[10e+2], 26: big: Decimal[38e+10], " +
        "27: items: List<Struct<{sku:Utf8, quantity:Int64, price:Struct<{amount:Decimal[18e+2], currency:Utf8}>, tags:List<Utf8>}>>, " +
        "28: scores: List<Float64>, 29: labels: Map<{key:Utf8, value:Utf8}>, " +
        "30: prices_by_id: Map<{key:Int64, value:Struct<{amount:Decimal[18e+2], currency:Utf8}>}>, " +
        "31: address: Struct<{street:Utf8, city:Utf8, zip:Utf8}>, 32: email: Utf8, 33: phone: Utf8, " +
        "34: secret: Utf8, 35: ingest_id: Utf8 }>",
    );
  });

  test("nullability: proto3 scalars NOT NULL, elements/keys/values never null, Spark's child names", () => {
    const schema = arrowSchema(Wide);
    const byName = (name: string) => schema.fields.find((f) => f.name === name)!;
    expect(byName("id").nullable).toBe(false);
    expect(byName("name").nullable).toBe(true);
    expect(byName("created_at").type.timezone).toBe("UTC");
    const items = byName("items").type.children[0]!;
    expect([items.name, items.nullable]).toEqual(["element", false]);
    const entries = byName("labels").type.children[0]!;
    expect(entries.name).toBe("entries");
    expect(entries.type.children.map((c: { name: string; nullable: boolean }) => [c.name, c.nullable])).toEqual([
      ["key", false],
      ["value", false],
    ]);
    expect(byName("big").type.bitWidth).toBe(128);
  });
});

describe("sparkSchema and sparkDdl", () => {
  test("StructType JSON with comments in metadata; NOT NULL only where Delta can enforce it", () => {
    expect(sparkSchema(Order)).toEqual({
      type: "struct",
      fields: [
        { name: "id", type: "long", nullable: false, metadata: { comment: "It's the id" } },
        { name: "customer_id", type: "string", nullable: false, metadata: {} },
        {
          name: "lines",
          type: {
            type: "array",
            elementType: {
              type: "struct",
              fields: [
                { name: "sku", type: "string", nullable: true, metadata: {} },
                { name: "quantity", type: "long", nullable: true, metadata: {} },
                {
                  name: "price",
                  type: {
                    type: "struct",
                    fields: [
                      { name: "amount", type: "decimal(18,2)", nullable: true, metadata: {} },
                      { name: "currency", type: "string", nullable: true, metadata: { comment: "ISO 4217 code" } },
                    ],
                  },
                  nullable: true,
                  metadata: {},
                },
                {
                  name: "tags",
                  type: { type: "array", elementType: "string", containsNull: true },
                  nullable: true,
                  metadata: {},
                },
              ],
            },
            containsNull: true,
          },
          nullable: false,
          metadata: {},
        },
        {
          name: "ship_to",
          type: {
            type: "struct",
            fields: [
              { name: "street", type: "string", nullable: true, metadata: {} },
              { name: "city", type: "string", nullable: true, metadata: { comment: "City name" } },
              { name: "zip", type: "string", nullable: true, metadata: {} },
            ],
          },
          nullable: true,
          metadata: {},
        },
        { name: "odd`name", type: "boolean", nullable: true, metadata: {} },
      ],
    });
  });

  test("a struct that is NOT NULL keeps NOT NULL fields", () => {
    const Holder: RecordDescriptor = {
      typeName: "test.v1.Holder",
      fields: [field("money", 1, { kind: "message", record: () => Money })],
      oneofs: [],
    };
    expect(sparkDdl(Holder)).toBe(
      "`money` STRUCT<`amount`: DECIMAL(18,2) NOT NULL, `currency`: STRING NOT NULL COMMENT 'ISO 4217 code'> NOT NULL",
    );
  });

  test("DDL column list: backquoted identifiers, escaped comments, every type", () => {
    expect(sparkDdl(Order)).toBe(
      "`id` BIGINT NOT NULL COMMENT 'It\\'s the id', `customer_id` STRING NOT NULL, " +
        "`lines` ARRAY<STRUCT<`sku`: STRING, `quantity`: BIGINT, " +
        "`price`: STRUCT<`amount`: DECIMAL(18,2), `currency`: STRING COMMENT 'ISO 4217 code'>, `tags`: ARRAY<STRING>>> NOT NULL, " +
        "`ship_to` STRUCT<`street`: STRING, `city`: STRING COMMENT 'City name', `zip`: STRING>, `odd``name` BOOLEAN",
    );
    expect(sparkDdl(Wide)).toBe(
      "`id` BIGINT NOT NULL COMMENT 'Row id: it\\'s \\\\unique\\\\', `i32` INT NOT NULL, `s32` INT NOT NULL, " +
        "`sf32` INT NOT NULL, `i64_str` BIGINT NOT NULL, `i64_num` BIGINT NOT NULL, `sf64` BIGINT NOT NULL, " +
        "`u32` BIGINT NOT NULL, `fx32` BIGINT NOT NULL, `u64` DECIMAL(20,0) NOT NULL, `fx64` DECIMAL(20,0) NOT NULL, " +
        "`flt` FLOAT NOT NULL, `dbl` DOUBLE NOT NULL, `flag` BOOLEAN NOT NULL, `name` STRING, `data` BINARY NOT NULL, " +
        "`status` STRING NOT NULL, `status_code` INT NOT NULL, `created_at` TIMESTAMP, `day` DATE NOT NULL, " +
        "`ttl` BIGINT, `maybe_count` INT, `maybe_total` DECIMAL(20,0), `attrs` STRING, `value` STRING, " +
        "`price` DECIMAL(10,2) NOT NULL, `big` DECIMAL(38,10), " +
        "`items` ARRAY<STRUCT<`sku`: STRING, `quantity`: BIGINT, `price`: STRUCT<`amount`: DECIMAL(18,2), " +
        "`currency`: STRING COMMENT 'ISO 4217 code'>, `tags`: ARRAY<STRING>>> NOT NULL, `scores` ARRAY<DOUBLE> NOT NULL, " +
        "`labels` MAP<STRING, STRING> NOT NULL, `prices_by_id` MAP<BIGINT, STRUCT<`amount`: DECIMAL(18,2), " +
        "`currency`: STRING COMMENT 'ISO 4217 code'>> NOT NULL, " +
        "`address` STRUCT<`street`: STRING, `city`: STRING COMMENT 'City name', `zip`: STRING>, `email` STRING, " +
        "`phone` STRING, `secret` STRING NOT NULL, `ingest_id` STRING NOT NULL",
    );
  });

  test("comments with newlines, tabs and backslashes stay one escaped literal", () => {
    const d: RecordDescriptor = {
      typeName: "t.C",
      fields: [field("a", 1, { kind: "scalar", scalar: "int32" }, { comment: "line1\nline2\t'q' \\n" })],
      oneofs: [],
    };
    expect(sparkDdl(d)).toBe("`a` INT NOT NULL COMMENT 'line1\\nline2\\t\\'q\\' \\\\n'");
  });
});

describe("parquetSchema", () => {
  test("is the schema parquet-mr prints for the file toParquet writes (checked against the real footer)", () => {
    expect(parquetSchema(Wide)).toBe(
      readFileSync(new URL("./records-wide.parquet-schema.txt", import.meta.url), "utf8").trim(),
    );
  });

  test("decimals take INT32, INT64 or the smallest FIXED_LEN_BYTE_ARRAY, like Spark", () => {
    const d: RecordDescriptor = {
      typeName: "t.D",
      fields: [
        field("d9", 1, { kind: "decimal", precision: 9, scale: 0 }),
        field("d18", 2, { kind: "decimal", precision: 18, scale: 4 }, { nullable: true }),
        field("d19", 3, { kind: "decimal", precision: 19, scale: 0 }),
        field("d38", 4, { kind: "decimal", precision: 38, scale: 38 }),
      ],
      oneofs: [],
    };
    expect(parquetSchema(d)).toBe(
      [
        "message arrow_schema {",
        "  required int32 d9 (DECIMAL(9,0));",
        "  optional int64 d18 (DECIMAL(18,4));",
        "  required fixed_len_byte_array(9) d19 (DECIMAL(19,0));",
        "  required fixed_len_byte_array(16) d38 (DECIMAL(38,38));",
        "}",
      ].join("\n"),
    );
  });
});

describe("createTableSql", () => {
  const columns = sparkDdl(Order);

  test("names the table from d.table, with CLUSTER BY on the columns", () => {
    expect(createTableSql(Order)).toBe(
      `CREATE TABLE \`main\`.\`shop\`.\`orders\` (${columns}) USING delta CLUSTER BY (\`customer_id\`)`,
    );
  });

  test("a location makes a path table; IF NOT EXISTS; PARTITIONED BY; table comment", () => {
    expect(createTableSql(Wide, { location: "/data/wi`de", ifNotExists: true })).toBe(
      `CREATE TABLE IF NOT EXISTS delta.\`/data/wi\`\`de\` (${sparkDdl(Wide)}) USING delta PARTITIONED BY (\`day\`) COMMENT 'All the types, it\\'s wide'`,
    );
  });

  test("a table name with a location is an external table", () => {
    expect(createTableSql(Order, { tableName: "s.o", location: "/x'y" })).toBe(
      `CREATE TABLE \`s\`.\`o\` (${columns}) USING delta CLUSTER BY (\`customer_id\`) LOCATION '/x\\'y'`,
    );
  });

  test("errors: not a table, unknown partition column, partitioned and clustered", () => {
    expect(() => createTableSql(Money)).toThrow(
      new RecordSchemaError("test.v1.Money is not a table: give a tableName or a location"),
    );
    const table = { name: "t", primaryKey: [], partitionBy: ["nope"], clusterBy: [] };
    expect(() => createTableSql({ ...Money, table })).toThrow('test.v1.Money: partition column "nope" is not a column');
    expect(() =>
      createTableSql({ ...Money, table: { ...table, partitionBy: ["currency"], clusterBy: ["amount"] } }),
    ).toThrow("test.v1.Money: a Delta table is either partitioned or clustered, not both");
  });
});

describe("descriptor checks", () => {
  test("a recursive message used as a column fails and names the cycle", () => {
    const expected =
      "test.v1.TreeNode.children: recursive message test.v1.TreeNode cannot be a column " +
      "(test.v1.TreeNode → test.v1.TreeNode); Spark, Arrow and Parquet have no recursive types";
    for (const derive of [arrowSchema, sparkSchema, sparkDdl, parquetSchema]) {
      expect(() => derive(TreeNode)).toThrow(new RecordSchemaError(expected));
    }
    expect(() => sparkSchema(Forest)).toThrow(
      "(test.v1.TreeNode → test.v1.TreeNode); Spark, Arrow and Parquet have no recursive types",
    );
  });

  test("mutual recursion names every message on the cycle", () => {
    const A: RecordDescriptor = {
      typeName: "t.A",
      fields: [field("b", 1, { kind: "message", record: () => B }, { nullable: true })],
      oneofs: [],
    };
    const B: RecordDescriptor = {
      typeName: "t.B",
      fields: [field("a", 1, { kind: "list", element: { kind: "message", record: () => A } })],
      oneofs: [],
    };
    expect(() => arrowSchema(A)).toThrow("t.B.a: recursive message t.A cannot be a column (t.A → t.B → t.A)");
  });

  test("bad decimals, map keys, duplicate and case-clashing columns, broken oneofs", () => {
    const one = (type: Parameters<typeof field>[2], extra = {}) => ({
      typeName: "t.X",
      fields: [field("a", 1, type, extra)],
      oneofs: [],
    });
    expect(() => sparkSchema(one({ kind: "decimal", precision: 39, scale: 0 }))).toThrow(
      new RecordSchemaError("t.X.a: DECIMAL precision must be 1 to 38, got 39"),
    );
    expect(() => sparkSchema(one({ kind: "decimal", precision: 5, scale: 6 }))).toThrow(
      "t.X.a: DECIMAL scale must be 0 to 5, got 6",
    );
    expect(() => sparkSchema(one({ kind: "map", key: "double", value: { kind: "scalar", scalar: "bool" } }))).toThrow(
      "t.X.a: a map key cannot be double",
    );
    const clash: RecordDescriptor = {
      typeName: "t.X",
      fields: [
        field("a", 1, { kind: "scalar", scalar: "bool" }),
        field("b", 2, { kind: "scalar", scalar: "bool" }, { column: "A" }),
      ],
      oneofs: [],
    };
    expect(() => arrowSchema(clash)).toThrow(
      't.X.b: column "A" clashes with column "a" (Spark column names are case-insensitive)',
    );
    const badOneof: RecordDescriptor = {
      typeName: "t.X",
      fields: [field("a", 1, { kind: "scalar", scalar: "bool" }, { oneof: "o" })],
      oneofs: [],
    };
    expect(() => arrowSchema(badOneof)).toThrow('t.X.a: oneof "o" is not declared');
  });
});
