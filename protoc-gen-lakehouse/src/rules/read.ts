/** Reading protovalidate's rule messages generically: which rule fields are set, by proto name. */
import { type DescMessage, isFieldSet, type Message } from "@bufbuild/protobuf";

/** The set fields of a rules message (e.g. StringRules), by proto name (`min_len`, `lt`, `email`, …). */
export function setRules(rules: Message, schema: DescMessage): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const field of schema.fields) {
    // biome-ignore lint/suspicious/noExplicitAny: reflection over a generated message, by the field's local name
    const holder = rules as any;
    if (!isFieldSet(rules, field)) continue;
    const value = field.oneof === undefined ? holder[field.localName] : holder[field.oneof.localName].value;
    out.set(field.name, value);
  }
  return out;
}
