/** `lakehouse review` as a user runs it: against a git ref, as JSON, and with a source that does not exist. */
import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { main } from "../../runtime/src/cli/main.js";
import { InvalidArgumentError } from "../../runtime/src/errors.js";

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  return { code: await main(args, sink), out };
}

describe("lakehouse review", () => {
  test("against HEAD: nothing changed, exit 0", async () => {
    const { code, out } = await cli(["review", "--against", "HEAD"]);
    expect(out).toMatch(/No changes to tables or wire format/);
    // The same contracts give the same catalogue (generated/CONTRACTS.md): no diff section.
    expect(out).not.toMatch(/Catalogue diff/);
    expect(code).toBe(0);
  }, 60_000);

  test("--format json gives the verdict and the tables compared", async () => {
    const { code, out } = await cli(["review", "--against", "HEAD", "--format", "json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.verdict).toBe("none");
    expect(report.changes).toEqual([]);
  }, 60_000);

  test("a source that is neither image, directory nor git ref is a readable error", async () => {
    const failure = cli(["review", "--against", "no-such-ref-anywhere"]).catch((e: unknown) => e);
    const error = await failure;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(
      /"no-such-ref-anywhere" is not an image file, a directory or a commit of /,
    );
  }, 60_000);
});
