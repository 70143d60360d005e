/** Every contract the plugin refuses: the error is a GenerationError naming the file, the message and the field. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GenerationError } from "../../protoc-gen-lakehouse/src/index.js";
import { ContractWorkspace } from "./plugin-harness.js";

const header = (pkg: string, ...imports: string[]) =>
  [
    'syntax = "proto3";',
    `package ${pkg};`,
    'import "lakehouse/v1/options.proto";',
    ...imports.map((i) => `import "${i}";`),
  ].join("\n");

/** One file per refused contract; each test generates only its own file. */
const contracts: Record<string, string> = {
  "bad/v1/missing_partition.proto": `${header("bad.v1")}
message Event {
  option (lakehouse.v1.table) = { partition_by: ["day"] };
  string id = 1;
}`,
  "bad/v1/missing_cluster.proto": `${header("bad.v1")}
message Click {
  option (lakehouse.v1.table) = { cluster_by: ["user"] };
  string id = 1;
}`,
  "bad/v1/partitioned_and_clustered.proto": `${header("bad.v1")}
message Sale {
  option (lakehouse.v1.table) = { partition_by: ["day"] cluster_by: ["shop"] };
  string day = 1;
  string shop = 2;
}`,
  "bad/v1/missing_key.proto": `${header("bad.v1")}
message Visit {
  option (lakehouse.v1.table) = { primary_key: ["visit_id"] };
  string id = 1;
}`,
  "bad/v1/repeated_key.proto": `${header("bad.v1")}
message Basket {
  option (lakehouse.v1.table) = { primary_key: ["skus"] };
  repeated string skus = 1;
}`,
  "bad/v1/map_key.proto": `${header("bad.v1")}
message Prices {
  option (lakehouse.v1.table) = { primary_key: ["by_sku"] };
  map<string, string> by_sku = 1;
}`,
  "bad/v1/message_key.proto": `${header("bad.v1")}
message Shipment {
  option (lakehouse.v1.table) = { primary_key: ["parcel"] };
  Parcel parcel = 1;
}
message Parcel { string id = 1; }`,
  "bad/v1/decimal_on_int.proto": `${header("bad.v1")}
message Payment {
  int64 amount = 1 [(lakehouse.v1.field).decimal = { precision: 10, scale: 2 }];
}`,
  "bad/v1/decimal_precision.proto": `${header("bad.v1")}
message Invoice {
  string total = 1 [(lakehouse.v1.field).decimal = { precision: 39, scale: 2 }];
}`,
  "bad/v1/decimal_zero_precision.proto": `${header("bad.v1")}
message Refund {
  string total = 1 [(lakehouse.v1.field).decimal = { precision: 0 }];
}`,
  "bad/v1/decimal_scale.proto": `${header("bad.v1")}
message Quote {
  string price = 1 [(lakehouse.v1.field).decimal = { precision: 4, scale: 5 }];
}`,
  "bad/v1/ingest_id_role.proto": `${header("bad.v1")}
message Reading {
  int64 ingest_id = 1 [(lakehouse.v1.field).role = ROLE_INGEST_ID];
}`,
  "bad/v1/ingest_source_role.proto": `${header("bad.v1")}
message Sample {
  repeated string sources = 1 [(lakehouse.v1.field).role = ROLE_INGEST_SOURCE];
}`,
  "bad/v1/created_at_role.proto": `${header("bad.v1")}
message Ticket {
  string created_at = 1 [(lakehouse.v1.field).role = ROLE_CREATED_AT];
}`,
  "bad/v1/updated_at_role.proto": `${header("bad.v1", "google/protobuf/duration.proto")}
message Lease {
  google.protobuf.Duration updated_at = 1 [(lakehouse.v1.field).role = ROLE_UPDATED_AT];
}`,
  "bad/v1/duplicate_column.proto": `${header("bad.v1")}
message Person {
  string name = 1;
  string full_name = 2 [(lakehouse.v1.field).column = "NAME"];
}`,
  "bad/v1/recursive.proto": `${header("bad.v1")}
message Folder {
  option (lakehouse.v1.table) = { name: "folders" };
  string id = 1;
  Tree tree = 2;
}
message Tree {
  string name = 1;
  repeated Tree children = 2;
}`,
  "bad/v1/many.proto": `${header("bad.v1")}
message Many {
  option (lakehouse.v1.table) = { partition_by: ["nope"] };
  int32 total = 1 [(lakehouse.v1.field).decimal = { precision: 10 }];
}`,
};

let workspace: ContractWorkspace;
beforeAll(() => {
  workspace = new ContractWorkspace(contracts);
}, 60_000);
afterAll(() => workspace.dispose());

function generationError(file: string): GenerationError {
  try {
    workspace.generate(file);
  } catch (error) {
    if (error instanceof GenerationError) return error;
    throw error;
  }
  throw new Error(`${file} generated without error`);
}

describe("table columns that do not exist", () => {
  test.each([
    ["bad/v1/missing_partition.proto", "bad.v1.Event", "day", 'partition column "day" does not exist'],
    ["bad/v1/missing_cluster.proto", "bad.v1.Click", "user", 'cluster column "user" does not exist'],
    ["bad/v1/missing_key.proto", "bad.v1.Visit", "visit_id", 'primary key column "visit_id" does not exist'],
  ])("%s", (file, message, field, text) => {
    const error = generationError(file);
    expect(error.message).toBe(`${file}: message ${message}: field ${field}: ${text}`);
    expect(error.problems).toEqual([{ file, message, field, text }]);
  });
});

test("a table both partitioned and clustered", () => {
  const file = "bad/v1/partitioned_and_clustered.proto";
  expect(generationError(file).message).toBe(
    `${file}: message bad.v1.Sale: a Delta table is either partitioned (partition_by) or clustered (cluster_by), not both`,
  );
});

test.each([
  ["bad/v1/repeated_key.proto", "message bad.v1.Basket: field skus", 'primary key column "skus" is repeated'],
  ["bad/v1/map_key.proto", "message bad.v1.Prices: field by_sku", 'primary key column "by_sku" is a map'],
  ["bad/v1/message_key.proto", "message bad.v1.Shipment: field parcel", 'primary key column "parcel" is a message'],
])("a key on a repeated, map or message field: %s", (file, where, text) => {
  expect(generationError(file).message).toBe(
    `${file}: ${where}: ${text}; only scalar columns can be primary key columns`,
  );
});

test.each([
  [
    "bad/v1/decimal_on_int.proto",
    "message bad.v1.Payment: field amount",
    "the decimal option needs a string or google.type.Decimal field, not int64",
  ],
  [
    "bad/v1/decimal_precision.proto",
    "message bad.v1.Invoice: field total",
    "decimal precision must be 1 to 38, got 39",
  ],
  [
    "bad/v1/decimal_zero_precision.proto",
    "message bad.v1.Refund: field total",
    "decimal precision must be 1 to 38, got 0",
  ],
  ["bad/v1/decimal_scale.proto", "message bad.v1.Quote: field price", "decimal scale 5 is larger than its precision 4"],
])("decimal option errors: %s", (file, where, text) => {
  expect(generationError(file).message).toBe(`${file}: ${where}: ${text}`);
});

test.each([
  [
    "bad/v1/ingest_id_role.proto",
    "message bad.v1.Reading: field ingest_id",
    "role INGEST_ID needs a singular string field, not int64",
  ],
  [
    "bad/v1/ingest_source_role.proto",
    "message bad.v1.Sample: field sources",
    "role INGEST_SOURCE needs a singular string field, not a repeated field of string",
  ],
  [
    "bad/v1/created_at_role.proto",
    "message bad.v1.Ticket: field created_at",
    "role CREATED_AT needs a google.protobuf.Timestamp field, not string",
  ],
  [
    "bad/v1/updated_at_role.proto",
    "message bad.v1.Lease: field updated_at",
    "role UPDATED_AT needs a google.protobuf.Timestamp field, not google.protobuf.Duration",
  ],
])("a role on a field of the wrong type: %s", (file, where, text) => {
  expect(generationError(file).message).toBe(`${file}: ${where}: ${text}`);
});

test("duplicate column names after overrides (compared as Spark does, ignoring case)", () => {
  expect(generationError("bad/v1/duplicate_column.proto").message).toBe(
    'bad/v1/duplicate_column.proto: message bad.v1.Person: field full_name: duplicate column name "NAME" (also the column of field name)',
  );
});

test("a recursive message used as a table column", () => {
  expect(generationError("bad/v1/recursive.proto").message).toBe(
    'bad/v1/recursive.proto: message bad.v1.Folder: field tree: column "tree" is recursive (bad.v1.Tree -> bad.v1.Tree); a table column needs a finite schema',
  );
});

test("every problem of a run is reported, not just the first", () => {
  const error = generationError("bad/v1/many.proto");
  expect(error.problems.map((p) => p.text)).toEqual([
    "the decimal option needs a string or google.type.Decimal field, not int32",
    'partition column "nope" does not exist',
  ]);
  expect(error.message).toMatch(/^2 problems:\n {2}bad\/v1\/many\.proto: message bad\.v1\.Many: field total: /);
});
