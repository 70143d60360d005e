/** An enum: its string-literal union type, and its `EnumDescriptor` constant of the same name. */
import type { DescEnum } from "@bufbuild/protobuf";
import type { EmitContext } from "./context.js";
import { localTypeName } from "./context.js";
import { arr, code, LINE_WIDTH, obj, render, str } from "./literal.js";

export function emitEnum(ctx: EmitContext, desc: DescEnum): void {
  const { f } = ctx;
  const name = localTypeName(desc);
  const names = desc.values.map((v) => JSON.stringify(v.name));
  f.print(f.jsDoc(desc));
  if (`export type ${name} = ${names.join(" | ")};`.length <= LINE_WIDTH) {
    f.print(f.export("type", name), " = ", names.join(" | "), ";");
  } else {
    f.print(f.export("type", name), " =");
    for (const [i, n] of names.entries()) f.print("  | ", n, i === names.length - 1 ? ";" : "");
  }
  f.print();
  f.print(f.jsDoc(`The values of {@link ${name}}, as data for the runtime.`));
  const descriptor = obj({
    typeName: str(desc.typeName),
    values: arr(desc.values.map((v) => obj({ name: str(v.name), number: code(String(v.number)) }))),
  });
  const head = `export const ${name}: EnumDescriptor = `;
  f.print(
    f.export("const", name),
    ": ",
    ctx.runtime("EnumDescriptor", true),
    " = ",
    ...render(descriptor, 0, head.length, 1),
    ";",
  );
  f.print();
}
