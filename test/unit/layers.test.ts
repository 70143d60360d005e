/**
 * The house's one-way flow, checked on the sources: no module of the Spark client imports another in a loop (a
 * DataFrame and its writers excepted), and the network is touched by one module only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

const spark = join(import.meta.dirname, "../../runtime/src/spark");

/** Each module of `dir` (by file name) and the modules of `dir` it imports, type-only imports included. */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(dir, file), "utf8");
    const targets = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"\.\/([\w-]+)\.js"/g)].map((m) => `${m[1]}.ts`);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indices.get(w) as number));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

describe("runtime/src/spark", () => {
  test("has no import cycle but a DataFrame's with its writers", () => {
    expect(cycles(importGraph(spark))).toEqual([["dataframe.ts", "writer-v2.ts", "writer.ts"]]);
  });

  test("the cycle check sees cycles", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  test("only grpc-transport.ts opens connections (grpc-js's Client and credentials)", () => {
    const users = readdirSync(spark).filter((f) =>
      /import\s*\{[^}]*\b(Client|credentials)\b[^}]*\}\s*from\s*"@grpc\/grpc-js"/.test(
        readFileSync(join(spark, f), "utf8"),
      ),
    );
    expect(users).toEqual(["grpc-transport.ts"]);
  });
});
