/**
 * The CLI as a newcomer meets it, run as users run it (the bin under plain `node`, no TypeScript loader): `--help`
 * and each command's own help explain every flag with a sentence and show an example, `--version` answers, and
 * every mistake is one line without a stack (`--debug` adds it), with the documented exit code.
 */
import { describe, expect, test } from "vitest";
import { lakehouse } from "./cli-harness.js";

/** Option lines of a help text (`  --name <value>   what it does`), each with its description. */
function optionLines(help: string): { flag: string; text: string }[] {
  return help
    .split("\n")
    .filter((line) => /^\s{2}(-\w, )?--[a-z]/.test(line))
    .map((line) => {
      const [, flag = "", text = ""] = /^\s+((?:-\w, )?--[\w-]+(?: <[^>]+>| \[[^\]]+\])?)\s*(.*)$/.exec(line) ?? [];
      return { flag, text };
    });
}

const COMMANDS: Record<string, readonly string[]> = {
  ingest: ["--contract", "--location", "--table", "--remote", "--rejects", "--batch-size", "--app-id", "--debug"],
  query: ["--contract", "--location", "--table", "--remote", "--where", "--limit", "--format", "--debug"],
  tail: ["--contract", "--location", "--table", "--remote", "-n, --lines", "--follow", "--format", "--debug"],
  "table create": ["--contract", "--location", "--table", "--remote", "--debug"],
  "table describe": ["--contract", "--location", "--table", "--remote", "--format", "--debug"],
  "table sql": ["--contract", "--location", "--table", "--debug"],
  contracts: ["--format", "--debug"],
  review: [
    "--against",
    "--contracts",
    "--format",
    "--allow-breaking",
    "--apply",
    "--remote",
    "--location-prefix",
    "--buf",
  ],
};

describe("lakehouse --help", () => {
  test("names every command, shows examples and the exit codes", () => {
    const { code, stdout } = lakehouse(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: lakehouse /);
    for (const command of ["ingest", "query", "tail", "table", "contracts", "review"]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b.*\\S`, "m"));
    }
    expect(stdout).toMatch(/Examples:\n\s+\$ lakehouse ingest /);
    expect(stdout).toMatch(/Exit codes:[\s\S]*\b0\b[\s\S]*\b1\b[\s\S]*\b2\b[\s\S]*\b130\b/);
    expect(stdout).toMatch(/--version/);
  });

  test("no command: the help, exit 2", () => {
    const { code, stdout } = lakehouse([]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^Usage: lakehouse /);
  });

  test.each(Object.entries(COMMANDS))("%s --help explains each of its flags and shows an example", (command, flags) => {
    const { code, stdout } = lakehouse([...command.split(" "), "--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: lakehouse ${command} `));
    expect(stdout).not.toBe(lakehouse(["--help"]).stdout);
    const options = optionLines(stdout);
    for (const flag of flags) {
      const line = options.find((o) => o.flag.startsWith(flag));
      expect(line, `${command} --help lists ${flag}`).toBeDefined();
      // A sentence, not a word.
      expect(line?.text.split(" ").length, `${command} ${flag}: ${line?.text}`).toBeGreaterThanOrEqual(3);
    }
    expect(stdout).toMatch(/Examples?:\n\s+\$ lakehouse /);
  });

  test("--version prints the package's version", () => {
    const { code, stdout } = lakehouse(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("0.1.0");
  });
});

describe("mistakes are one line, exit 2, no stack", () => {
  const contract = "./generated/lakehouse/test/v1/basic_lakehouse.ts#BasicTestRecord";
  test.each([
    [
      ["ingest", "--contract", contract],
      /^lakehouse: .*missing required argument 'file' \(see lakehouse ingest --help\)/,
    ],
    [
      ["query", "--contract", contract, "--bogus"],
      /^lakehouse: .*unknown option '--bogus' \(see lakehouse query --help\)/,
    ],
    [["frobnicate"], /^lakehouse: .*unknown command 'frobnicate'/],
    [["query", "--contract", contract, "--limit", "ten"], /^lakehouse: --limit must be a positive integer, not "ten"/],
    [["query", "--contract", contract, "--format", "xml"], /^lakehouse: .*--format.*xml.*table, json, jsonl, csv/],
    [["query", "--location", "/x"], /^lakehouse: .*--contract/],
    [["query", "--contract", "./nowhere.ts#X"], /^lakehouse: --contract: cannot find \.\/nowhere\.ts/],
    [
      ["query", "--contract", contract],
      /^lakehouse: no Spark Connect server: pass --remote sc:\/\/… or set SPARK_REMOTE/,
    ],
  ])("%j", (args, message) => {
    const { code, stdout, stderr } = lakehouse(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe("");
  });

  test("--debug prints the stack as well", () => {
    const { code, stderr } = lakehouse(["query", "--contract", "./nowhere.ts#X", "--debug"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lakehouse: --contract: cannot find/);
    expect(stderr).toMatch(/\n\s+at /);
  });
});
