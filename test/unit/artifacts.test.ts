import { crc32 } from "node:zlib";
import { describe, expect, test } from "vitest";
import { addArtifactsRequests } from "../../runtime/src/spark/artifacts.js";
import { parseByteSize } from "../../runtime/src/spark/local-relation.js";

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
});
