/**
 * Generated descriptors as plain JSON, for comparing them across plugin versions: every key in its order, a nested
 * record's thunk as the type name it returns (`{ "$record": "shop.v1.Money" }`), and an own key holding `undefined`
 * written out (`"$undefined"`), so that "absent" and "present but undefined" stay apart.
 */
import type { EnumDescriptor, RecordDescriptor } from "../../runtime/src/index.js";

export type Snapshot = Record<string, unknown>;

export function plain(value: unknown): unknown {
  if (value === undefined) return "$undefined";
  if (typeof value === "function") return { $record: (value as () => RecordDescriptor)().typeName };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The record descriptors (of the classes) and enum descriptors a generated module exports, by export name. */
export function snapshotModule(module: Record<string, unknown>): Snapshot {
  const out: Snapshot = {};
  for (const [name, value] of Object.entries(module).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof value === "function" && "descriptor" in value) {
      const cls = value as { descriptor: RecordDescriptor; table?: unknown };
      out[name] = { descriptor: plain(cls.descriptor), ...("table" in cls ? { table: plain(cls.table) } : {}) };
    } else if (typeof value === "object" && value !== null && "values" in value) {
      out[name] = plain(value as EnumDescriptor);
    }
  }
  return out;
}
