/**
 * Ingest progress on stderr: on a terminal a bar with the bytes read of the file's size, records/s, the ETA and the
 * rejects so far; otherwise a plain line every few seconds. It never prints the summary: `ingest` does, once.
 */
import { Writable } from "node:stream";
import { expect, test } from "vitest";
import { IngestProgress } from "../../runtime/src/cli/progress.js";

function sink(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  // The cursor moves of a terminal, as no-ops (the last argument of each is its callback).
  const ok = (...args: unknown[]) => {
    const callback = args.at(-1);
    if (typeof callback === "function") callback();
    return true;
  };
  Object.assign(stream, { isTTY: tty, columns: 120, cursorTo: ok, moveCursor: ok, clearLine: ok, clearScreenDown: ok });
  return { stream, text: () => text };
}

test("not a terminal: a plain line every interval with bytes of the total, records/s, ETA and rejects", () => {
  let now = 0;
  const out = sink(false);
  const progress = new IngestProgress({
    stream: out.stream,
    file: "orders.jsonl",
    totalBytes: 10_000_000,
    now: () => now,
    intervalMs: 5000,
  });
  progress.update({ bytes: 1_000_000, records: 10_000, rejects: 0 });
  now = 2000;
  progress.update({ bytes: 2_000_000, records: 20_000, rejects: 1 });
  expect(out.text()).toBe("");
  now = 5000;
  progress.update({ bytes: 5_000_000, records: 50_000, rejects: 3 });
  now = 6000;
  progress.update({ bytes: 6_000_000, records: 60_000, rejects: 3 });
  progress.stop();
  const lines = out.text().trim().split("\n");
  expect(lines).toEqual([
    "orders.jsonl: 5.0 MB of 10.0 MB (50%), 50,000 records, 10,000 records/s, ETA 5s, 3 rejected",
  ]);
});

test("a terminal: a bar redrawn in place, cleared when done", async () => {
  const out = sink(true);
  const progress = new IngestProgress({ stream: out.stream, file: "orders.jsonl", totalBytes: 4_000_000 });
  progress.update({ bytes: 1_000_000, records: 1000, rejects: 2 });
  await new Promise((resolve) => setTimeout(resolve, 250));
  progress.update({ bytes: 2_000_000, records: 2000, rejects: 2 });
  progress.stop();
  const text = out.text();
  expect(text).toMatch(
    /orders\.jsonl \S*[█░]+\S* +\d+% \| (1\.0|2\.0) MB\/4\.0 MB \| [\d,]+ records\/s \| ETA \S+ \| 2 rejected/,
  );
});
