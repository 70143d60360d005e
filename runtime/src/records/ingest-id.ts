/**
 * UUIDv7 ingest ids (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits, so ids sort by creation time
 * and a Delta table clustered or Z-ordered on them keeps each batch together. Within one millisecond the 12-bit
 * `rand_a` field is a counter (RFC 9562 §6.2, method 1), so ids made by one process are strictly increasing even
 * when the clock stands still or steps back.
 */

let lastMs = -1;
let counter = 0;

function random(bytes: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(bytes));
}

/** A new UUIDv7 string, e.g. `0190f1c4-5b2e-7a3c-9f1d-2b6e8c4a1f07`. */
export function newIngestId(now: number = Date.now()): string {
  const bytes = random(16);
  if (now > lastMs) {
    lastMs = now;
    // Start the counter in the lower half of its range, leaving room to count up (RFC 9562 §6.2).
    counter = ((bytes[6] ?? 0) << 4) & 0x7ff;
  } else if (counter < 0xfff) {
    counter++;
  } else {
    // 4096 ids in one millisecond: borrow the next millisecond rather than repeat or go back.
    lastMs++;
    counter = ((bytes[6] ?? 0) << 4) & 0x7ff;
  }
  let ms = lastMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
