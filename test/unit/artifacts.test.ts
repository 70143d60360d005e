import { crc32 } from "node:zlib";
import { makeVector, Table, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, test } from "vitest";
import type { ArtifactManager } from "../../runtime/src/spark/artifacts.js";
import { addArtifactsRequests } from "../../runtime/src/spark/artifacts.js";
import { parseByteSize, planLocalRelation } from "../../runtime/src/spark/local-relation.js";
import type { RelationInit } from "../../runtime/src/spark/relations.js";

const header = { sessionId: "s", userContext: { userId: "u" }, clientType: "t" };

describe("AddArtifacts request stream", () => {
  test("small artifacts are batched; large ones are chunked with a CRC per chunk", () => {
    const big = new Uint8Array(25).map((_, i) => i);
    const requests = [
      ...addArtifactsRequests(
        header,
        [
          { name: "cache/a", data: new Uint8Array([1, 2, 3]) },
          { name: "cache/b", data: new Uint8Array([4]) },
          { name: "cache/big", data: big },
        ],
        10,
      ),
    ];
    expect(requests.map((r) => r.payload?.case)).toEqual(["batch", "beginChunk", "chunk", "chunk"]);
    const begin = requests[1]?.payload;
    expect(begin?.case === "beginChunk" && begin.value).toMatchObject({
      name: "cache/big",
      totalBytes: 25n,
      numChunks: 3n,
    });
    const last = requests[3]?.payload;
    expect(last?.case === "chunk" && last.value).toEqual({
      data: big.subarray(20),
      crc: BigInt(crc32(big.subarray(20))),
    });
    for (const r of requests) expect(r).toMatchObject(header);
  });

  test("Spark byte sizes", () => {
    expect(parseByteSize("1048576", 0)).toBe(1048576);
    expect(parseByteSize("134217728b", 0)).toBe(134217728);
    expect(parseByteSize("16m", 0)).toBe(16 * 2 ** 20);
    expect(parseByteSize("3g", 0)).toBe(3 * 2 ** 30);
    expect(parseByteSize("lots", 7)).toBe(7);
    expect(parseByteSize(undefined, 7)).toBe(7);
  });

  test("large data becomes a shallow UNION ALL of chunked relations, none above its byte budget", async () => {
    const rows = 20_000;
    const table = new Table({
      id: makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(i))),
      text: vectorFromArray(
        Array.from({ length: rows }, (_, i) => `row ${i} ${"x".repeat(40)}`),
        new Utf8(),
      ),
    });
    const uploaded = new Map<string, number>();
    const artifacts = {
      upload: async (list: readonly { name: string; data: Uint8Array }[]) => {
        for (const a of list) uploaded.set(a.name.slice("cache/".length), a.data.byteLength);
        return list.reduce((n, a) => n + a.data.byteLength, 0);
      },
    } as unknown as ArtifactManager;
    const limits = {
      cacheThreshold: 1024,
      chunkSizeRows: 1_000,
      chunkSizeBytes: 1 << 20,
      sizeLimit: 1 << 30,
      relationBytes: 150_000,
    };
    const planned = await planLocalRelation(table, undefined, limits, artifacts);
    expect(planned.path).toBe("artifacts");
    const leaves: string[][] = [];
    const depth = (r: RelationInit): number => {
      const t = r.relType;
      if (t?.case === "setOp") {
        expect(t.value.isAll).toBe(true);
        return 1 + Math.max(depth(t.value.leftInput as RelationInit), depth(t.value.rightInput as RelationInit));
      }
      if (t?.case !== "chunkedCachedLocalRelation") throw new Error(`unexpected ${t?.case}`);
      leaves.push([...(t.value.dataHashes ?? [])]);
      return 0;
    };
    const height = depth(planned.relation);
    // Every chunk once, in order; each relation within the budget; the tree balanced.
    expect(leaves.flat()).toEqual([...uploaded.keys()]);
    expect(leaves.length).toBeGreaterThan(3);
    for (const leaf of leaves) {
      expect(leaf.reduce((n, h) => n + (uploaded.get(h) ?? 0), 0)).toBeLessThanOrEqual(limits.relationBytes);
    }
    expect(height).toBe(Math.ceil(Math.log2(leaves.length)));

    const small = await planLocalRelation(table, undefined, { ...limits, relationBytes: 1 << 30 }, artifacts);
    expect(small.relation.relType?.case).toBe("chunkedCachedLocalRelation");
  });

  test("the size limit applies to the encoded bytes, also for a slice that shares a larger table's buffers", async () => {
    const rows = 20_000;
    const big = new Table({
      text: vectorFromArray(
        Array.from({ length: rows }, (_, i) => `row ${i} ${"y".repeat(40)}`),
        new Utf8(),
      ),
    });
    const slice = big.slice(0, 100);
    const artifacts = { upload: async () => 0 } as unknown as ArtifactManager;
    const limits = { cacheThreshold: 1024, chunkSizeRows: 1_000, chunkSizeBytes: 1 << 20, relationBytes: 1 << 20 };
    // The slice encodes to a few KB although its string buffer holds the whole table's ~1 MB.
    const planned = await planLocalRelation(slice, undefined, { ...limits, sizeLimit: 100_000 }, artifacts);
    expect(planned.path).toBe("artifacts");
    await expect(planLocalRelation(slice, undefined, { ...limits, sizeLimit: 1_000 }, artifacts)).rejects.toThrow(
      /^the data is \d+ bytes, above the server's spark.sql.session.localRelationSizeLimit \(1000\)/,
    );
  });
});
