/** newIngestId: RFC 9562 UUIDv7, time-ordered, strictly increasing within a process. */
import { describe, expect, test } from "vitest";
import { newIngestId } from "../../runtime/src/index.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newIngestId", () => {
  test("is a UUIDv7 whose first 48 bits are the Unix time in milliseconds", () => {
    const before = Date.now();
    const id = newIngestId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    const ms = Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after + 1);
  });

  test("ids sort in creation order, even thousands in one millisecond or with the clock going back", () => {
    const ids = Array.from({ length: 5000 }, () => newIngestId(1_700_000_000_000));
    ids.push(newIngestId(1_600_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  test("two ids differ in their random bits", () => {
    const [a, b] = [newIngestId(0), newIngestId(0)];
    expect(a).not.toBe(b);
  });
});
