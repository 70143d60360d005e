/**
 * Descriptors as generated code writes them: only what cannot be derived. `describe(this, spec)` (in a record class's
 * static initializer) expands a `RecordSpec` into the `RecordDescriptor` the runtime works with, once per class when
 * its module loads; `describeEnum` does the same for an enum. The expanded descriptors are exactly those the plugin
 * wrote out in full before this seam (same keys, in the same order; test/unit/codegen-descriptors.test.ts holds them
 * to a snapshot of those).
 *
 * What a spec leaves out, and how it is derived (protobuf-es's own rules for names, so that they are the ones its
 * generated code uses):
 * - a field's TypeScript property (`localName`): protobuf-es's `localName`, `safeObjectProperty(protoCamelCase(name))`
 *   (a oneof member: `protoCamelCase(name)`); a spec names it only when the plugin escaped it further (`toProto$`);
 * - its JSON name: `protoCamelCase(name)`, protoc's default; its column: its proto name;
 * - `nullable`: the schema package's `defaultNullable` of its type (proto3 `optional` fields say `nullable: true`);
 * - the oneofs: from the fields' `oneof` (proto names), in the order their first members appear;
 * - a table's empty key, partition and cluster lists, and its comment when it is the record's.
 *
 * The rules are this seam's: a generated file keeps working as long as `codegenv1` expands it this way. A change
 * that would read a spec differently belongs in a `codegenv2`.
 */
import { protoCamelCase, safeObjectProperty } from "@bufbuild/protobuf/reflect";
import {
  type CheckConstraint,
  defaultNullable,
  type EnumDescriptor,
  type FieldDescriptor,
  type FieldType,
  type IngestRole,
  is64Bit,
  type OneofDescriptor,
  type RecordDescriptor,
  type ScalarKind,
  type TableDescriptor,
} from "@lakehouse-contracts/schema";
import { RecordSchemaError } from "../records/errors.js";

/**
 * A field type: its `FieldType`, or a shorthand for the common ones — a scalar kind (`"string"`; a 64-bit one as a
 * `bigint`, `jstype` otherwise is written in full), `"timestamp"`, `"date"`, `"duration"`, an enum's descriptor (by
 * name, not `enum_as_int`), a nested record's descriptor thunk (`() => Money.descriptor`). List elements and map
 * values are field type specs too.
 */
export type FieldTypeSpec =
  | ScalarKind
  | "timestamp"
  | "date"
  | "duration"
  | EnumDescriptor
  | (() => RecordDescriptor)
  | Exclude<FieldType, { readonly kind: "list" | "map" }>
  | { readonly kind: "list"; readonly element: FieldTypeSpec; readonly wellKnown?: "FieldMask" }
  | { readonly kind: "map"; readonly key: ScalarKind; readonly value: FieldTypeSpec };

/** A field, as protobuf-es's `FieldInfo` had it: number, proto name and type, and what is not derived. */
export interface FieldSpec {
  /** The field number. */
  readonly no: number;
  /** The field's name in the .proto file (the descriptor's `protoName`). */
  readonly name: string;
  /** The TypeScript property, when it is not protobuf-es's `localName` of `name` (a name the plugin escaped). */
  readonly localName?: string;
  /** The proto3 JSON name, when it is not protoc's default (`json_name`). */
  readonly jsonName?: string;
  /** The column, when it is not the proto name (the `column` option). */
  readonly column?: string;
  readonly type: FieldTypeSpec;
  /** When it differs from the type's default (`defaultNullable`): proto3 `optional`, a google.type.Decimal. */
  readonly nullable?: boolean;
  /** The proto name of the oneof the field is a member of. */
  readonly oneof?: string;
  readonly role?: IngestRole;
  readonly sensitive?: boolean;
  readonly comment?: string;
}

/** A table: its `TableDescriptor`, empty lists left out, the comment left out when it is the record's. */
export interface TableSpec {
  readonly name: string;
  readonly catalog?: string;
  readonly schema?: string;
  readonly primaryKey?: readonly string[];
  readonly partitionBy?: readonly string[];
  readonly clusterBy?: readonly string[];
  readonly comment?: string;
  /** The table's CHECK constraints (`TableDescriptor.checks`), as the plugin translated the record's rules. */
  readonly checks?: readonly CheckConstraint[];
}

export interface RecordSpec {
  readonly typeName: string;
  readonly comment?: string;
  readonly table?: TableSpec;
  readonly fields: readonly FieldSpec[];
  /** TypeScript names of oneofs (by proto name) that are not protobuf-es's `localName` (names the plugin escaped). */
  readonly oneofNames?: Readonly<Record<string, string>>;
}

/** An enum value: its name (numbered one after the previous value, the first 0), or its name and number. */
export type EnumValueSpec = string | readonly [name: string, number: number];

/**
 * The enum descriptor of `values`.
 * @example describeEnum("shop.v1.Currency", ["CURRENCY_UNSPECIFIED", "CURRENCY_EUR", ["CURRENCY_USD", 5]])
 */
export function describeEnum(typeName: string, values: readonly EnumValueSpec[]): EnumDescriptor {
  let next = 0;
  return {
    typeName,
    values: values.map((value) => {
      const [name, number] = typeof value === "string" ? [value, next] : value;
      next = number + 1;
      return { name, number };
    }),
  };
}

/** The record descriptor of `spec` (see the module comment for what is derived). */
export function expandRecord(spec: RecordSpec): RecordDescriptor {
  const oneofs = new Map<string, { name: string; protoName: string; fields: string[] }>();
  const fields = spec.fields.map((f): FieldDescriptor => {
    const type = expandType(f.type, `${spec.typeName}.${f.name}`);
    const camel = protoCamelCase(f.name);
    const name = f.localName ?? (f.oneof === undefined ? safeObjectProperty(camel) : camel);
    let oneof: string | undefined;
    if (f.oneof !== undefined) {
      let o = oneofs.get(f.oneof);
      if (o === undefined) {
        const local = spec.oneofNames?.[f.oneof] ?? safeObjectProperty(protoCamelCase(f.oneof));
        o = { name: local, protoName: f.oneof, fields: [] };
        oneofs.set(f.oneof, o);
      }
      o.fields.push(name);
      oneof = o.name;
    }
    return {
      name,
      protoName: f.name,
      jsonName: f.jsonName ?? camel,
      number: f.no,
      column: f.column ?? f.name,
      type,
      nullable: f.nullable ?? defaultNullable(type, f.oneof !== undefined),
      ...(oneof === undefined ? {} : { oneof }),
      ...(f.comment === undefined ? {} : { comment: f.comment }),
      ...(f.sensitive === undefined ? {} : { sensitive: f.sensitive }),
      ...(f.role === undefined ? {} : { role: f.role }),
    };
  });
  const table = spec.table === undefined ? undefined : expandTable(spec.table, spec.comment);
  return {
    typeName: spec.typeName,
    fields,
    oneofs: [...oneofs.values()] satisfies OneofDescriptor[],
    ...(table === undefined ? {} : { table }),
    ...(spec.comment === undefined ? {} : { comment: spec.comment }),
  };
}

function expandTable(spec: TableSpec, recordComment: string | undefined): TableDescriptor {
  const comment = spec.comment ?? recordComment;
  return {
    name: spec.name,
    ...(spec.catalog === undefined ? {} : { catalog: spec.catalog }),
    ...(spec.schema === undefined ? {} : { schema: spec.schema }),
    primaryKey: spec.primaryKey ?? [],
    partitionBy: spec.partitionBy ?? [],
    clusterBy: spec.clusterBy ?? [],
    ...(comment === undefined ? {} : { comment }),
    ...(spec.checks === undefined ? {} : { checks: spec.checks }),
  };
}

const TEMPORAL = new Set<string>(["timestamp", "date", "duration"]);

function expandType(spec: FieldTypeSpec, where: string): FieldType {
  if (typeof spec === "string") {
    if (TEMPORAL.has(spec)) return { kind: spec as "timestamp" | "date" | "duration" };
    const scalar = spec as ScalarKind;
    return is64Bit(scalar) ? { kind: "scalar", scalar, int64As: "bigint" } : { kind: "scalar", scalar };
  }
  if (typeof spec === "function") return { kind: "message", record: spec };
  if (!("kind" in spec)) return { kind: "enum", enum: spec };
  switch (spec.kind) {
    case "list":
      return {
        kind: "list",
        element: expandType(spec.element, where),
        ...(spec.wellKnown === undefined ? {} : { wellKnown: spec.wellKnown }),
      };
    case "map":
      return { kind: "map", key: spec.key, value: expandType(spec.value, where) };
    case "scalar":
    case "enum":
    case "message":
    case "timestamp":
    case "date":
    case "duration":
    case "wrapper":
    case "json":
    case "decimal":
      return spec;
    default:
      throw new RecordSchemaError(`${where}: unknown field type ${JSON.stringify(spec)}`);
  }
}
