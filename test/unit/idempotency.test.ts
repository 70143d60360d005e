import { describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { CancelledError, toArrow } from "../../runtime/src/index.js";
import { escapeGlob } from "../../runtime/src/tables/delta-log.js";
import {
  batchFingerprint,
  decodeMarker,
  encodeMarker,
  queued,
  writerState,
} from "../../runtime/src/tables/idempotency.js";

const d = BasicTestRecord.descriptor;
const batch = (names: string[]) =>
  names.map((name, i) => new BasicTestRecord({ id: BigInt(i + 1), name, ingestSource: "unit" }));

describe("batch fingerprints", () => {
  test("the same records constructed again (new ingest ids and timestamps) are the same batch", async () => {
    const first = batch(["a", "b", "c"]);
    await new Promise((r) => setTimeout(r, 5));
    const again = batch(["a", "b", "c"]);
    expect(again[0]?.ingestId).not.toBe(first[0]?.ingestId);
    expect(batchFingerprint(d, toArrow(d, again))).toBe(batchFingerprint(d, toArrow(d, first)));
  });

  test("any other difference — a value, the order, a record more — is another batch", () => {
    const base = batchFingerprint(d, toArrow(d, batch(["a", "b", "c"])));
    expect(batchFingerprint(d, toArrow(d, batch(["a", "b", "x"])))).not.toBe(base);
    expect(batchFingerprint(d, toArrow(d, batch(["a", "b", "c", "d"])))).not.toBe(base);
    const swapped = batch(["a", "b", "c"]).reverse();
    expect(batchFingerprint(d, toArrow(d, swapped))).not.toBe(base);
  });
});

describe("commit markers", () => {
  test("round-trip through userMetadata; other text is no marker", () => {
    const marker = { appId: 'app "x"', txnVersion: 9_007_199_254_740_993n, sha256: "ab".repeat(32), rows: 3 };
    expect(decodeMarker(encodeMarker(marker))).toEqual(marker);
    expect(decodeMarker("app:1")).toBeUndefined();
    expect(decodeMarker(null)).toBeUndefined();
    expect(decodeMarker('{"lakehouse-contracts.batch":{"appId":"a","txnVersion":"1e3","sha256":"x","rows":1}}')).toBe(
      undefined,
    );
  });
});

describe("one writer's appends take turns", () => {
  test("in the order they were queued, one at a time", async () => {
    const state = writerState(`unit-${Math.random()}`, true);
    const events: string[] = [];
    const run = (name: string, ms: number) =>
      queued(state, undefined, async () => {
        events.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`end ${name}`);
      });
    await Promise.all([run("a", 30), run("b", 1), run("c", 10)]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  test("a caller that aborts while waiting leaves the queue; the next still waits for the one before", async () => {
    const state = writerState(`unit-${Math.random()}`, true);
    const events: string[] = [];
    let finishFirst = () => {};
    const first = queued(state, undefined, () =>
      new Promise<void>((r) => (finishFirst = r)).then(() => events.push("a")),
    );
    const controller = new AbortController();
    const second = queued(state, controller.signal, async () => events.push("b"));
    const third = queued(state, undefined, async () => events.push("c"));
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual([]);
    finishFirst();
    await Promise.all([first, third]);
    expect(events).toEqual(["a", "c"]);
  });
});

test("glob characters of a literal path are escaped for Spark's file sources", () => {
  expect(escapeGlob("/data/t[1]/{x}/a*b?\\c")).toBe("/data/t\\[1\\]/\\{x\\}/a\\*b\\?\\\\c");
  expect(escapeGlob("s3a://bucket/plain/path")).toBe("s3a://bucket/plain/path");
});
