/**
 * Conversion between record classes and the `@bufbuild/protobuf` messages of the same proto type (protoc-gen-es's
 * generated code), so that teams that already use protoc-gen-es can move values across.
 *
 * It goes through the proto3 JSON mapping, which both sides implement exactly: protobuf-es's `toJson(schema, message)`
 * is read by our strict `decodeJson`, and our `encodeJson` by protobuf-es's `fromJson(schema, json)`. That keeps the
 * generated record classes free of imports of protoc-gen-es code (the caller passes the `…Schema` it already has),
 * and every value is checked on the way in exactly as `fromJson` checks untrusted input: a message whose values do
 * not fit the record's columns (a decimal beyond its precision, say) is an error listing all of them.
 *
 * One JSON form differs: a decimal field whose proto type is the `google.type.Decimal` message has the JSON
 * `{ "value": "12.50" }`, where our records hold the decimal text. `decodeJson` accepts both forms; on the way out the
 * message schema says which fields are such messages, and their text is wrapped (see `wrapDecimals`).
 */
import {
  type DescField,
  type DescMessage,
  fromJson,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  type Registry,
  toJson,
} from "@bufbuild/protobuf";
import { InvalidArgumentError } from "../errors.js";
import type { RecordDescriptor } from "./descriptor.js";
import { RecordEncodeError } from "./errors.js";
import { decodeJson } from "./json-decode.js";
import { encodeJson } from "./json-encode.js";
import { isJsonObject } from "./json-value.js";

/** A protobuf-es message schema (protoc-gen-es generates one per message, e.g. `OrderSchema`). */
export type ProtoSchema = DescMessage;

/** The protobuf-es message type of a schema, e.g. `ProtoMessage<typeof OrderSchema>` is protoc-gen-es's `Order`. */
export type ProtoMessage<S extends ProtoSchema> = MessageShape<S>;

export interface ProtoInteropOptions {
  /** Resolves the message types of `google.protobuf.Any` values (protobuf-es needs them for Any's JSON). */
  readonly registry?: Registry;
}

const DECIMAL_MESSAGE = "google.type.Decimal";

/**
 * The init object of a record from a protobuf-es message of the same proto type; generated classes call it from
 * `static fromProto(schema, message)`.
 * @throws InvalidArgumentError when `schema` is not the record's proto type; the runtime's JsonDecodeError when
 * values do not fit the record (all of them listed).
 */
export function fromProtoMessage<S extends ProtoSchema>(
  d: RecordDescriptor,
  schema: S,
  message: ProtoMessage<S>,
  options?: ProtoInteropOptions,
): Record<string, unknown> {
  checkSchema(d, schema);
  if (message.$typeName !== schema.typeName) {
    throw new InvalidArgumentError(`fromProto: the message is a ${message.$typeName}, not a ${schema.typeName}`);
  }
  const result = decodeJson(d, toJson(schema, message, options));
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * A protobuf-es message of `schema` with the values of `record`; generated classes call it from `toProto(schema)`.
 * @throws InvalidArgumentError when `schema` is not the record's proto type; the runtime's RecordEncodeError when
 * the record holds values its fields cannot, or a `__proto__` key in a map or Struct, which protobuf-es would drop
 * (all of them listed).
 */
export function toProtoMessage<S extends ProtoSchema>(
  d: RecordDescriptor,
  schema: S,
  record: object,
  options?: ProtoInteropOptions,
): ProtoMessage<S> {
  checkSchema(d, schema);
  const json = encodeJson(d, record);
  const lost = protoKeys(json, "");
  if (lost.length > 0) {
    throw new RecordEncodeError(
      d.typeName,
      lost.map((path) => ({
        path,
        message:
          'has a "__proto__" key, which a protobuf-es message cannot hold (its maps and Structs are plain objects, where the key sets the prototype and is dropped)',
      })),
    );
  }
  return fromJson(schema, wrapDecimals(schema, json), options);
}

/**
 * The paths of the `__proto__` keys in a record's JSON. Field names are never `__proto__`, so each is a key of a map
 * or a Struct: protobuf-es would drop it without a word.
 */
function protoKeys(json: JsonValue, path: string): string[] {
  if (Array.isArray(json)) return json.flatMap((item, i) => protoKeys(item, `${path}[${i}]`));
  if (!isJsonObject(json)) return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (key === "__proto__") found.push(`${path}["__proto__"]`);
    found.push(...protoKeys(value, path === "" ? key : `${path}.${key}`));
  }
  return found;
}

function checkSchema(d: RecordDescriptor, schema: ProtoSchema): void {
  if (schema.typeName !== d.typeName) {
    throw new InvalidArgumentError(
      `${d.typeName} converts to and from its own protobuf-es message, not ${schema.typeName}: pass the schema protoc-gen-es generated for ${d.typeName}`,
    );
  }
}

/**
 * `json` (our encoding of a record of `schema`) with the decimal text of every `google.type.Decimal` field wrapped
 * as that message's JSON, `{ "value": text }`; nested messages, lists and map values included.
 */
function wrapDecimals(schema: DescMessage, json: JsonValue): JsonValue {
  if (!isJsonObject(json)) return json;
  let out: JsonObject | undefined;
  for (const field of schema.fields) {
    const value = json[field.jsonName];
    if (value === undefined) continue;
    const wrapped = wrapField(field, value);
    if (wrapped !== value) {
      out ??= { ...json };
      out[field.jsonName] = wrapped;
    }
  }
  return out ?? json;
}

function wrapField(field: DescField, value: JsonValue): JsonValue {
  const message = field.fieldKind === "scalar" || field.fieldKind === "enum" ? undefined : field.message;
  // Well-known types have their own JSON forms and hold no decimals.
  if (message === undefined || message.typeName.startsWith("google.protobuf.")) return value;
  const wrap = (item: JsonValue): JsonValue =>
    message.typeName === DECIMAL_MESSAGE && typeof item === "string" ? { value: item } : wrapDecimals(message, item);
  switch (field.fieldKind) {
    case "list":
      return Array.isArray(value) ? value.map(wrap) : value;
    case "map":
      return isJsonObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)])) : value;
    default:
      return wrap(value);
  }
}
