import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { VERSION } from "../../runtime/src/version.js";
import { repoRoot } from "../../tools/lib/paths.js";

test("the user agent's version is the runtime package's version", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "runtime/package.json"), "utf8")) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
