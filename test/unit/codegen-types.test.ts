/**
 * The types of a generated class, now that its members come from the runtime's codegenv1 bases: the same signatures
 * the per-class members had (`Order.fromJson` is an `Order`, `Order.validate` takes an `OrderInit`, …), tables alone
 * have `table` and `createTableSql`, and the runtime's `RecordClass` (RecordTable, the CLI) still infers the record
 * type. Checked by `tsc -p tsconfig.json`; the assertions run as no-ops.
 */

// The package's own types, as generated code sees them (its dist declarations; classes with private members are
// nominal, so runtime/src's would be other types).
import type {
  JsonDecodeError,
  JsonValue,
  RecordClass,
  RecordDescriptor,
  RecordTable,
  SparkSession,
  TableDescriptor,
} from "@lakehouse-contracts/runtime";
import type { StandardSchemaV1, ValidationResult, Violation } from "@lakehouse-contracts/runtime/validate";
import type { Schema, Table } from "apache-arrow";
import { describe, expectTypeOf, test } from "vitest";
import { ReservedNames, type ReservedNamesInit } from "../../generated/lakehouse/test/v1/reserved_names_lakehouse.js";
import { Money, type MoneyInit } from "../../generated/shop/v1/common_lakehouse.js";
import { Order, type OrderInit } from "../../generated/shop/v1/order_lakehouse.js";
import type { CliRecordClass } from "../../runtime/dist/cli/contract.js";

describe("a generated class's members keep their signatures", () => {
  test("construction and JSON", () => {
    expectTypeOf(Order.create).parameter(0).toEqualTypeOf<OrderInit | undefined>();
    expectTypeOf(Order.create).returns.toEqualTypeOf<Order>();
    expectTypeOf(Order.fromJson).returns.toEqualTypeOf<Order>();
    expectTypeOf(Order.safeFromJson).returns.toEqualTypeOf<
      { ok: true; value: Order } | { readonly ok: false; readonly error: JsonDecodeError }
    >();
    expectTypeOf<Order["toJson"]>().returns.toEqualTypeOf<JsonValue>();
    const wrong = () => {
      // @ts-expect-error an Order's init has no such field
      Order.create({ nope: 1 });
      // @ts-expect-error a Money is not made from an OrderInit's fields
      Money.create({ orderId: "x" });
    };
    expectTypeOf(wrong).toBeFunction();
  });

  test("schemas, Arrow and Parquet", () => {
    expectTypeOf(Order.descriptor).toEqualTypeOf<RecordDescriptor>();
    expectTypeOf(Order.arrowSchema).toEqualTypeOf<Schema>();
    expectTypeOf(Order.sparkDdl).toEqualTypeOf<string>();
    expectTypeOf(Order.parquetSchema).toEqualTypeOf<string>();
    expectTypeOf(Order.toArrow).parameter(0).toEqualTypeOf<readonly Order[]>();
    expectTypeOf(Order.toArrow).returns.toEqualTypeOf<Table>();
    expectTypeOf(Order.fromArrow).returns.toEqualTypeOf<Order[]>();
    expectTypeOf(Money.fromArrow).returns.toEqualTypeOf<Money[]>();
    expectTypeOf(Order.toParquet).returns.toEqualTypeOf<Promise<Uint8Array>>();
    const wrong = () => {
      // @ts-expect-error Moneys are no Orders
      Order.toArrow([new Money()]);
    };
    expectTypeOf(wrong).toBeFunction();
  });

  test("validation", () => {
    expectTypeOf(Order.check).parameter(0).toEqualTypeOf<Order>();
    expectTypeOf(Order.check).returns.toEqualTypeOf<Violation[]>();
    expectTypeOf(Order.validate).parameter(0).toEqualTypeOf<Order | OrderInit>();
    expectTypeOf(Money.validate).parameter(0).toEqualTypeOf<Money | MoneyInit>();
    expectTypeOf<Order["validate"]>().returns.toEqualTypeOf<ValidationResult>();
    expectTypeOf(Order.assertValid).parameter(0).toEqualTypeOf<Order>();
    expectTypeOf(Order["~standard"]).toEqualTypeOf<StandardSchemaV1<OrderInit, Order>["~standard"]>();
  });

  test("tables alone have table and createTableSql", () => {
    expectTypeOf(Order.table).toEqualTypeOf<TableDescriptor>();
    expectTypeOf(Order.createTableSql).returns.toEqualTypeOf<string>();
    expectTypeOf(Money).not.toHaveProperty("table");
    expectTypeOf(Money).not.toHaveProperty("createTableSql");
  });

  test("escaped properties, in the class and its init", () => {
    expectTypeOf<ReservedNamesInit>().toHaveProperty("toProto$");
    expectTypeOf<ReservedNames["toProto$"]>().toEqualTypeOf<string>();
    expectTypeOf<ReservedNames["descriptor"]>().toEqualTypeOf<string>();
    expectTypeOf(ReservedNames.descriptor).toEqualTypeOf<RecordDescriptor>();
    expectTypeOf<ReservedNames["check"]>().toEqualTypeOf<number>();
    expectTypeOf(ReservedNames.check).returns.toEqualTypeOf<Violation[]>();
  });
});

describe("the runtime's users of generated classes", () => {
  test("RecordTable and the CLI infer the record type", () => {
    const open = (spark: SparkSession) => new (null as unknown as typeof RecordTable)(spark, Order);
    expectTypeOf(open).returns.toEqualTypeOf<RecordTable<Order>>();
    expectTypeOf(Order).toExtend<RecordClass<Order>>();
    expectTypeOf(Money).toExtend<RecordClass<Money>>();
    expectTypeOf(Order).toExtend<CliRecordClass<Order>>();
  });
});
