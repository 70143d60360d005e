/** Enum values by name and by number, built once per `EnumDescriptor`. */
import type { EnumDescriptor } from "./descriptor.js";
import { Invalid } from "./numbers.js";

interface EnumIndex {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

const indexes = new WeakMap<EnumDescriptor, EnumIndex>();

function indexOf(e: EnumDescriptor): EnumIndex {
  let index = indexes.get(e);
  if (index === undefined) {
    const byNumber = new Map<number, string>();
    // With allow_alias the first name of a number is its canonical one, as protobuf prints it.
    for (const v of e.values) if (!byNumber.has(v.number)) byNumber.set(v.number, v.name);
    index = { byName: new Map(e.values.map((v) => [v.name, v.number])), byNumber };
    indexes.set(e, index);
  }
  return index;
}

/** An enum value given by name (the TypeScript type) or by number (TS enums), as its name. */
export function enumName(e: EnumDescriptor, value: unknown): string | Invalid {
  const index = indexOf(e);
  if (typeof value === "string") {
    return index.byName.has(value) ? value : new Invalid(`is not a value of enum ${e.typeName}`);
  }
  if (typeof value === "number") {
    return index.byNumber.get(value) ?? new Invalid(`is not a value number of enum ${e.typeName}`);
  }
  return new Invalid(`must be a value name of enum ${e.typeName}`);
}

export function enumNumber(e: EnumDescriptor, name: string): number {
  return indexOf(e).byName.get(name) ?? 0;
}
