/**
 * A shape is what a read decodes rows into: a record class (`Order`, a report's class), or a part of one
 * (`Order.pick("orderId", "total")`). It is the record's descriptor — which columns, of which Spark types, which may be
 * NULL — and a reader from Arrow, so a shape is checked against a result's schema before any row is decoded, and
 * decoded by the same exact decoders as the tables (arrow-decode.ts).
 */
import type { Table } from "apache-arrow";
import { InvalidArgumentError } from "../errors.js";
import { fromArrow } from "../records/arrow-decode.js";
import type { FieldDescriptor, RecordDescriptor } from "../records/descriptor.js";

/** What rows are decoded into: a descriptor, and a reader of Arrow tables of its columns. */
export interface RecordShape<T extends object> {
  readonly descriptor: RecordDescriptor;
  /** Instances from an Arrow table of the shape's columns. */
  fromArrow(table: Table): T[];
}

/** The data properties of a record (fields and oneofs), not its methods: what a projection may select. */
export type FieldKey<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? never : K;
}[keyof T] &
  string;

/** What a pick needs of a record class: its descriptor and, when it has one, its constructor from an init object. */
export interface PickSource<T extends object> {
  readonly descriptor: RecordDescriptor;
  /** A record from an init object (a generated class's `create`); without it, picks are the decoded init objects. */
  create?(init: never): T;
}

/**
 * The part of `source`'s record made of the properties `keys` (fields, or oneofs with all their members): its
 * descriptor holds only their columns, and each row is a `Pick<T, K>` holding only those properties, valued as the
 * whole record would hold them (nested records are instances, absent lists empty).
 */
export function pickShape<T extends object, K extends FieldKey<T>>(
  source: PickSource<T>,
  keys: readonly K[],
): RecordShape<Pick<T, K>> {
  const descriptor = pickDescriptor(source.descriptor, keys);
  const names = [...new Set<string>(keys)];
  const create = source.create as ((init: Record<string, unknown>) => T) | undefined;
  return {
    descriptor,
    fromArrow(table: Table): Pick<T, K>[] {
      const rows = fromArrow(descriptor, table);
      if (create === undefined) return rows as Pick<T, K>[];
      return rows.map((row) => {
        const whole = create(row) as Record<string, unknown>;
        const picked: Record<string, unknown> = {};
        for (const name of names) picked[name] = whole[name];
        return picked as Pick<T, K>;
      });
    },
  };
}

/**
 * The descriptor of the properties `keys` of `d`: their fields in `d`'s order, the oneofs named, no table (a part of
 * a table's record is no table). A key that is neither a field nor a oneof is an `InvalidArgumentError`.
 */
export function pickDescriptor(d: RecordDescriptor, keys: readonly string[]): RecordDescriptor {
  if (keys.length === 0) throw new InvalidArgumentError(`${d.typeName}: a selection needs at least one field`);
  const wanted = new Set(keys);
  for (const key of wanted) {
    if (!d.fields.some((f) => f.name === key && f.oneof === undefined) && !d.oneofs.some((o) => o.name === key)) {
      const members = d.fields.find((f) => f.name === key)?.oneof;
      throw new InvalidArgumentError(
        members === undefined
          ? `${d.typeName} has no field "${key}" to select`
          : `${d.typeName}.${key} is a member of the oneof "${members}": select "${members}"`,
      );
    }
  }
  const picked = (f: FieldDescriptor) => (f.oneof === undefined ? wanted.has(f.name) : wanted.has(f.oneof));
  return {
    typeName: d.typeName,
    fields: d.fields.filter(picked),
    oneofs: d.oneofs.filter((o) => wanted.has(o.name)),
    ...(d.comment === undefined ? {} : { comment: d.comment }),
  };
}
