/**
 * An enum: its string-literal union type, and its `EnumDescriptor` constant of the same name, written as the
 * runtime's `describeEnum(typeName, values)` takes it (a value numbered one after the previous one by its name alone).
 */
import type { DescEnum } from "@bufbuild/protobuf";
import type { EmitContext } from "./context.js";
import { localTypeName } from "./context.js";
import { arr, code, LINE_WIDTH, render, str } from "./literal.js";

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
  let next = 0;
  const values = arr(
    desc.values.map((v) => {
      const value = v.number === next ? str(v.name) : arr([str(v.name), code(String(v.number))]);
      next = v.number + 1;
      return value;
    }),
  );
  const head = `export const ${name}: EnumDescriptor = describeEnum(${JSON.stringify(desc.typeName)}, `;
  f.print(
    f.export("const", name),
    ": ",
    ctx.runtime("EnumDescriptor", true),
    " = ",
    ctx.runtime("describeEnum"),
    `(${JSON.stringify(desc.typeName)}, `,
    ...render(values, 0, head.length, 2),
    ");",
  );
  f.print();
}
