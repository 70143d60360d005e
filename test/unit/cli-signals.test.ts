/**
 * One Ctrl-C ends any CLI command, against a server that accepts connections and never answers (a fault a real
 * server cannot produce on demand). The CLI runs as users run it: the bin, in a process of its own.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";

const root = join(import.meta.dirname, "../..");
const CONTRACT = `${join(root, "generated/lakehouse/test/v1/basic_lakehouse.ts")}#BasicTestRecord`;

let silent: Server;
let port = 0;
const sockets: Socket[] = [];
beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  port = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

/** Runs the bin (tsx loads the contract's .ts), sends SIGINT after `afterMs`; its exit code and stderr. */
function interrupted(args: string[], afterMs: number): Promise<{ code: number | null; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "runtime/bin/lakehouse.js"), ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const sigint = setTimeout(() => child.kill("SIGINT"), afterMs);
    // A CLI that ignores the first Ctrl-C is still running here: fail instead of waiting for it.
    const giveUp = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`still running ${afterMs + 20_000} ms after the Ctrl-C; stderr: ${stderr}`));
    }, afterMs + 20_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(sigint);
      clearTimeout(giveUp);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

test("query against a server that never answers: one Ctrl-C, exit 130, one line", async () => {
  const remote = `sc://127.0.0.1:${port}`;
  const { code, stderr } = await interrupted(
    ["query", "--contract", CONTRACT, "--location", "/x", "--remote", remote],
    2_000,
  );
  expect(code).toBe(130);
  expect(stderr).toMatch(/^lakehouse: stopping \(Ctrl-C again to exit at once\)…\nlakehouse: stopped: /);
}, 60_000);

test("ingest before it writes anything: one Ctrl-C ends it too", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "cli-signals-")), "in.jsonl");
  writeFileSync(file, `${JSON.stringify({ id: "1", name: "a" })}\n`);
  const remote = `sc://127.0.0.1:${port}`;
  const { code } = await interrupted(
    ["ingest", file, "--contract", CONTRACT, "--location", "/x", "--remote", remote],
    2_000,
  );
  expect(code).toBe(130);
}, 60_000);
