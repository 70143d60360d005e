/**
 * The base of every generated record class: the members that only hand the class's descriptor to the runtime,
 * written once here instead of once per message. A generated class is its properties, its constructor (proto3
 * defaults, nested inits made instances, ingest metadata), its descriptor and its compiled validator (`checkAt`):
 *
 *   export class Money extends record<Money, MoneyInit>() {
 *     amount: string;
 *     static readonly descriptor: RecordDescriptor = describe(this, { typeName: "shop.v1.Money", fields: [...] });
 *     constructor(init: MoneyInit = {}) { super(); this.amount = init.amount ?? "0.00"; }
 *     static checkAt(v: Violations, r: Money, at: string): void { ... }
 *   }
 *
 * `record<T, I>()` makes a fresh base per class, typed by the class (`T`) and its init type (`I`), so that
 * `Money.fromJson(json)` is a `Money` and `Money.validate(init)` takes a `MoneyInit`; a table's class extends
 * `table<T, I>()`, which adds `table` and `createTableSql`. `describe(this, spec)` in the class's static
 * initializer expands its descriptor and tells the base which class it is the base of, so the statics need no
 * `this`: `rows.map(Money.fromJson)` works, as it did when every class spelled them out.
 */
import type { JsonValue } from "@bufbuild/protobuf";
import type { Schema, Table } from "apache-arrow";
import { type FieldKey, pickShape, type RecordShape } from "../reads/shape.js";
import { fromArrow } from "../records/arrow-decode.js";
import { toArrow } from "../records/arrow-encode.js";
import { arrowSchema } from "../records/arrow-schema.js";
import type { RecordDescriptor, TableDescriptor } from "../records/descriptor.js";
import { type JsonDecodeError, RecordSchemaError } from "../records/errors.js";
import { decodeJson } from "../records/json-decode.js";
import { encodeJson } from "../records/json-encode.js";
import { parquetSchema } from "../records/parquet-schema.js";
import { toParquet } from "../records/parquet-write.js";
import {
  fromProtoMessage,
  type ProtoInteropOptions,
  type ProtoMessage,
  type ProtoSchema,
  toProtoMessage,
} from "../records/proto-interop.js";
import { type SparkStructType, sparkDdl, sparkSchema } from "../records/spark-schema.js";
import { type CreateTableOptions, createTableSql } from "../records/table-sql.js";
import { assertNoViolations, type ValidationResult, validationResult } from "../validate/error.js";
import { type StandardSchemaV1, standardSchema } from "../validate/standard-schema.js";
import { type ValidateOptions, type Violation, Violations } from "../validate/violation.js";
import { expandRecord, type RecordSpec } from "./describe.js";

/** What the base knows of the class that extends it (set by `describe`). */
interface RecordCtor<T, I> {
  new (init?: I): T;
  readonly name: string;
  readonly descriptor: RecordDescriptor;
  checkAt(v: Violations, record: T, at: string): void;
}

/** The instance methods of a record (the schema package's `RECORD_INSTANCE_MEMBERS`). */
export interface RecordInstance {
  /** The record as proto3 JSON. */
  toJson(): JsonValue;
  /**
   * This record as a protobuf-es message, with `schema` its protoc-gen-es schema.
   * @example record.toProto(OrderSchema)
   */
  toProto<S extends ProtoSchema>(schema: S, options?: ProtoInteropOptions): ProtoMessage<S>;
  /**
   * Validates this record: `{ kind: "valid" }`, `{ kind: "invalid", error }`, or `{ kind: "error", error }` when a
   * rule cannot be evaluated; never throws.
   */
  validate(options?: ValidateOptions): ValidationResult;
}

/** The static members of the record class `T` whose constructor takes an `I`. */
export interface RecordStatics<T, I> {
  /** Creates a record; the same as `new T(init)`. */
  create(init?: I): T;
  /**
   * Decodes untrusted proto3 JSON strictly (unknown fields, wrong types and overflow are errors, all reported).
   * @throws the runtime's JsonDecodeError
   */
  fromJson(json: unknown): T;
  /** Like `fromJson`, but returns `{ ok: false, error }` instead of throwing. */
  safeFromJson(json: unknown): { ok: true; value: T } | { readonly ok: false; readonly error: JsonDecodeError };
  /** The Arrow schema of a table of these records. */
  readonly arrowSchema: Schema;
  /** The Spark schema (StructType) of these records. */
  readonly sparkSchema: SparkStructType;
  /** The Spark DDL column list of these records. */
  readonly sparkDdl: string;
  /** The Parquet schema of these records. */
  readonly parquetSchema: string;
  /** An Arrow table of `records`, column by column with the exact schema. */
  toArrow(records: readonly T[]): Table;
  /** The records of an Arrow table with this record's schema. */
  fromArrow(table: Table): T[];
  /**
   * The part of this record made of `fields` (properties: fields, or oneofs), as a shape to read query results into;
   * its rows are `Pick<T, K>`s.
   * @example const totals = await (await spark.sql("SELECT order_id, total FROM orders")).into(Order.pick("orderId", "total")).collect();
   */
  pick<K extends FieldKey<T>>(...fields: K[]): RecordShape<Pick<T, K>>;
  /** A Parquet file of `records`. */
  toParquet(records: readonly T[]): Promise<Uint8Array>;
  /**
   * The record of a protobuf-es message of the same proto type, with `schema` its protoc-gen-es schema.
   * @example Order.fromProto(OrderSchema, message)
   * @throws the runtime's JsonDecodeError when values do not fit the record (all listed)
   */
  fromProto<S extends ProtoSchema>(schema: S, message: ProtoMessage<S>, options?: ProtoInteropOptions): T;
  /**
   * Every protovalidate violation of `record` (the first only, with `failFast`); empty when it is valid.
   * @throws the runtime's RuleEvaluationError when a rule cannot be evaluated on it (not a violation)
   */
  check(record: T, options?: ValidateOptions): Violation[];
  /**
   * Validates a record (or an init object, made into a record first), as `validate()` does; never throws for
   * invalid data or a rule that cannot be evaluated.
   */
  validate(value: T | I, options?: ValidateOptions): ValidationResult;
  /**
   * @throws the runtime's ValidationError, listing every violation; its RuleEvaluationError when a rule cannot be
   * evaluated
   */
  assertValid(record: T): void;
  /** Standard Schema v1: validates a record or an init object (tRPC, Hono, form libraries). */
  readonly "~standard": StandardSchemaV1<I, T>["~standard"];
}

/** The static members a table's record class has besides: its table, and its `CREATE TABLE`. */
export interface TableStatics {
  /** The table this record is a row of (the `table` option). */
  readonly table: TableDescriptor;
  /** `CREATE TABLE` (Delta) for this record's table: columns, NOT NULL, comments, partitioning and clustering. */
  createTableSql(options?: CreateTableOptions): string;
}

/** The base a record class extends: `class Money extends record<Money, MoneyInit>() { … }`. */
export type RecordBase<T, I> = (abstract new () => RecordInstance) & RecordStatics<T, I>;

/** The base a table's record class extends: `class Order extends table<Order, OrderInit>() { … }`. */
export type TableBase<T, I> = RecordBase<T, I> & TableStatics;

/** How `describe` tells a base which class extends it. */
const registrations = new WeakMap<object, (cls: RecordCtor<never, never>) => void>();

function makeBase<T extends object, I extends object>() {
  let described: RecordCtor<T, I> | undefined;
  // The class's validator, held here too: `check` is hot, and `self().checkAt` is a property load that the bases of
  // all record classes share (their code is one), so it would see every class.
  let checkAt: RecordCtor<T, I>["checkAt"] = () => self();
  const self = (): RecordCtor<T, I> => {
    if (described === undefined) {
      throw new RecordSchemaError(
        "a record class must set `static readonly descriptor = describe(this, …)` (codegenv1) before it is used",
      );
    }
    return described;
  };

  abstract class RecordClassBase implements RecordInstance {
    static create(init?: I): T {
      return new (self())(init);
    }

    static fromJson(json: unknown): T {
      const result = RecordClassBase.safeFromJson(json);
      if (!result.ok) throw result.error;
      return result.value;
    }

    static safeFromJson(
      json: unknown,
    ): { ok: true; value: T } | { readonly ok: false; readonly error: JsonDecodeError } {
      const cls = self();
      const result = decodeJson(cls.descriptor, json);
      return result.ok ? { ok: true as const, value: new cls(result.value as I) } : result;
    }

    static get arrowSchema(): Schema {
      return arrowSchema(self().descriptor);
    }

    static get sparkSchema(): SparkStructType {
      return sparkSchema(self().descriptor);
    }

    static get sparkDdl(): string {
      return sparkDdl(self().descriptor);
    }

    static get parquetSchema(): string {
      return parquetSchema(self().descriptor);
    }

    static toArrow(records: readonly T[]): Table {
      return toArrow(self().descriptor, records);
    }

    static fromArrow(table: Table): T[] {
      const cls = self();
      return fromArrow(cls.descriptor, table).map((row) => new cls(row as I));
    }

    static pick<K extends FieldKey<T>>(...fields: K[]): RecordShape<Pick<T, K>> {
      const cls = self();
      return pickShape<T, K>({ descriptor: cls.descriptor, create: (init: I) => new cls(init) }, fields);
    }

    static toParquet(records: readonly T[]): Promise<Uint8Array> {
      return toParquet(self().descriptor, records);
    }

    static fromProto<S extends ProtoSchema>(schema: S, message: ProtoMessage<S>, options?: ProtoInteropOptions): T {
      const cls = self();
      return new cls(fromProtoMessage(cls.descriptor, schema, message, options) as I);
    }

    static check(record: T, options?: ValidateOptions): Violation[] {
      return Violations.collect(options, checkAt, record);
    }

    static validate(value: T | I, options?: ValidateOptions): ValidationResult {
      const cls = self();
      const record = value instanceof cls ? value : new cls(value as I);
      return validationResult(cls.descriptor.typeName, () => RecordClassBase.check(record, options));
    }

    static assertValid(record: T): void {
      assertNoViolations(self().descriptor.typeName, RecordClassBase.check(record));
    }

    static readonly "~standard": StandardSchemaV1<I, T>["~standard"] = standardSchema<I, T>(
      (value) => {
        const cls = self();
        return value instanceof cls ? value : new cls(value as I);
      },
      (record) => RecordClassBase.check(record),
    );

    toJson(): JsonValue {
      return encodeJson(self().descriptor, this);
    }

    toProto<S extends ProtoSchema>(schema: S, options?: ProtoInteropOptions): ProtoMessage<S> {
      return toProtoMessage(self().descriptor, schema, this, options);
    }

    validate(options?: ValidateOptions): ValidationResult {
      const record = this as unknown as T;
      return validationResult(self().descriptor.typeName, () => RecordClassBase.check(record, options));
    }
  }

  const register = (cls: RecordCtor<never, never>): void => {
    if (described !== undefined) {
      throw new RecordSchemaError(`${cls.name}: this base is ${described.name}'s; each record class calls record()`);
    }
    described = cls as unknown as RecordCtor<T, I>;
    checkAt = described.checkAt;
  };
  registrations.set(RecordClassBase, register);
  return { RecordClassBase, self, register };
}

/**
 * The base of the generated record class `T` (constructed from an `I`): every member that hands the class's
 * descriptor to the runtime. The class sets `static readonly descriptor = describe(this, …)`.
 */
export function record<T extends object, I extends object>(): RecordBase<T, I> {
  return makeBase<T, I>().RecordClassBase;
}

/** The base of the generated record class `T` of a table: `record()`'s, with `table` and `createTableSql`. */
export function table<T extends object, I extends object>(): TableBase<T, I> {
  const { RecordClassBase, self, register } = makeBase<T, I>();
  abstract class TableClassBase extends RecordClassBase {
    static get table(): TableDescriptor {
      const d = self().descriptor;
      if (d.table === undefined) throw new RecordSchemaError(`${d.typeName} is not a table`);
      return d.table;
    }

    static createTableSql(options?: CreateTableOptions): string {
      return createTableSql(self().descriptor, options);
    }
  }
  registrations.set(TableClassBase, register);
  return TableClassBase;
}

/**
 * The descriptor of the record class `cls` (a generated class, in its static initializer: `describe(this, …)`),
 * expanded from `spec`; `cls`'s base (`record()`, `table()`) learns which class it is the base of.
 */
export function describe(cls: abstract new (...args: never) => object, spec: RecordSpec): RecordDescriptor {
  const register = registrations.get(Object.getPrototypeOf(cls));
  if (register === undefined) {
    throw new RecordSchemaError(`${cls.name} does not extend record() or table() of codegenv1`);
  }
  register(cls as unknown as RecordCtor<never, never>);
  return expandRecord(spec);
}
