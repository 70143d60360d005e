/**
 * The README's TypeScript snippets type-check, as a reader would paste them into this repository: each `ts` block
 * is a module at the repository's root (so `./generated/…` and `@lakehouse-contracts/runtime` resolve as the
 * snippet says), compiled with the repository's strict options. A snippet may use a few names it does not declare
 * (the records, the table, the HTTP app it talks about): those are declared once, with their real types, below.
 * The snippets of "Use it in your repo" and of the package READMEs that import `./gen/…` are a consumer's code:
 * consumer.test.ts type-checks them in its scratch project.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "../..");

/** The names snippets use without declaring them, with their types. */
const GLOBALS = `
import type { Table } from "apache-arrow";
import type { FastifyInstance } from "fastify";
import type { RecordTable } from "@lakehouse-contracts/runtime";
import type { Order as OrderRecord } from "./generated/shop/v1/order_lakehouse.js";
declare global {
  /** Input from outside: a request body, a line of a file. */
  const untrustedJson: unknown;
  const batch: OrderRecord[];
  const changed: OrderRecord[];
  const orders: RecordTable<OrderRecord>;
  const Order: typeof import("./generated/shop/v1/order_lakehouse.js").Order;
  const app: FastifyInstance;
  const arrowTable: Table;
}
export {};
`;

interface Snippet {
  readonly file: string;
  readonly section: string;
  /** Line of the README where the code starts. */
  readonly line: number;
  readonly code: string;
}

/** The `ts` blocks of a Markdown file, with the heading they are under. */
function snippets(readme: string): Snippet[] {
  const lines = readFileSync(join(root, readme), "utf8").split("\n");
  const found: Snippet[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,4} /.test(line)) section = line.replace(/^#+ /, "");
    if (!line.startsWith("```")) continue;
    // A fenced block: a snippet if it is TypeScript; skipped either way (a `# …` line in it is no heading).
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]?.startsWith("```")) end++;
    if (line.trim() === "```ts") {
      found.push({ file: readme, section, line: start + 1, code: lines.slice(start, end).join("\n") });
    }
    i = end;
  }
  return found;
}

const all = [
  ...snippets("README.md").filter((s) => s.section !== "Use it in your repo" && !s.code.includes('from "./gen/')),
  ...["runtime/README.md", "protoc-gen-lakehouse/README.md", "schema/README.md", "review/README.md"].flatMap((f) =>
    snippets(f).filter((s) => !s.code.includes('from "./gen/')),
  ),
];

/**
 * Snippets known not to type-check, with why: the test expects them to fail, so it says so once they are fixed.
 * (In sections whose owner has been told.)
 */
/** Sections whose snippets are known not to type-check yet, with why (none today). */
const KNOWN_BROKEN: Record<string, string> = {};

function compile(list: readonly Snippet[]): Map<Snippet, string[]> {
  const config = ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  Object.assign(options, { noEmit: true, declaration: false, sourceMap: false, composite: false, incremental: false });
  const virtual = new Map<string, string>([[join(root, "__readme_globals__.ts"), GLOBALS]]);
  const byFile = new Map<string, Snippet>();
  list.forEach((snippet, i) => {
    const file = join(root, `__readme_snippet_${i}__.ts`);
    // `export {}`: every snippet is a module (top-level await, names of its own).
    virtual.set(file, `${snippet.code}\nexport {};\n`);
    byFile.set(file, snippet);
  });
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = virtual.get(f);
    return text === undefined ? getSourceFile.call(host, f, language, ...rest) : ts.createSourceFile(f, text, language);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors = new Map<Snippet, string[]>(list.map((s) => [s, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const snippet = d.file === undefined ? undefined : byFile.get(d.file.fileName);
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (snippet === undefined) {
      if (d.file?.fileName.endsWith("__readme_globals__.ts")) throw new Error(`the declared globals: ${message}`);
      continue;
    }
    const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
    errors.get(snippet)?.push(`${snippet.file}:${snippet.line + line}: ${message}`);
  }
  return errors;
}

describe("the README's TypeScript snippets type-check", () => {
  const errors = compile(all);
  test("there are snippets (the README's, and the package READMEs')", () => {
    expect(all.filter((s) => s.file === "README.md").length).toBeGreaterThanOrEqual(3);
    expect(all.some((s) => s.file === "review/README.md")).toBe(true);
  });
  for (const snippet of all) {
    const known = KNOWN_BROKEN[snippet.section];
    const name = `${snippet.file}:${snippet.line} (${snippet.section})`;
    if (known !== undefined && snippet.file === "README.md") {
      test(`${name} still does not (${known})`, () => {
        expect(errors.get(snippet)).not.toEqual([]);
      });
    } else {
      test(name, () => {
        expect(errors.get(snippet)).toEqual([]);
      });
    }
  }
});
