/**
 * Encode: records → Arrow IPC bytes. Ours: `Order.toArrow(records)` + `tableToIPC`. apache-arrow: the records mapped
 * to builder values + `vectorFromArray` per column with the same explicit schema (encode/arrow-peer.ts), and for the
 * flat contract also `tableFromJSON` (which infers its own schema: timestamps become Date, so not the same bytes).
 * Both IPC outputs are decoded and compared row for row before the figures count.
 */
import { type Table, tableFromIPC, tableFromJSON, tableToIPC } from "apache-arrow";
import { BasicTestRecord } from "../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Order } from "../generated/shop/v1/order_lakehouse.js";
import type { BenchContext } from "./context.js";
import { basicPlain, orderPlain, tableFromPlain } from "./encode/arrow-peer.js";
import { compare, emptySection, type SectionResult } from "./results.js";
import { basic, order, records } from "./rows/index.js";
import { measure, rates } from "./stats.js";

const OURS = "ours";
const VECTOR = "apache-arrow vectorFromArray";
const JSON_PEER = "apache-arrow tableFromJSON";

export async function encodeSection(ctx: BenchContext): Promise<SectionResult> {
  const result = emptySection();
  const n = ctx.config.encodeRecords;
  const plan = ctx.config.encodePlan;
  const basicRecords = records(basic, n);
  const orderRecords = records(order, n);
  const cases = [
    {
      name: "basic",
      ours: () => tableToIPC(BasicTestRecord.toArrow(basicRecords), "stream"),
      vector: () => tableToIPC(tableFromPlain(BasicTestRecord.arrowSchema, basicRecords.map(basicPlain)), "stream"),
      json: () => tableToIPC(tableFromJSON(basicRecords.map(basicPlain)), "stream"),
    },
    {
      name: "order",
      ours: () => tableToIPC(Order.toArrow(orderRecords), "stream"),
      vector: () => tableToIPC(tableFromPlain(Order.arrowSchema, orderRecords.map(orderPlain)), "stream"),
      json: undefined,
    },
  ];
  for (const c of cases) {
    const outputs: Record<string, Uint8Array> = {};
    const run = async (peer: string, body: () => Uint8Array) => {
      const timing = await measure(plan, () => {
        outputs[peer] = body();
      });
      result.figures.push({
        section: "encode",
        case: c.name,
        size: n,
        peer,
        unit: "records/s",
        timing,
        rate: rates(n, timing).median,
      });
      ctx.log(`  encode ${c.name} ×${n} ${peer}: ${(n / timing.median).toFixed(0)} records/s`);
    };
    await run(OURS, c.ours);
    await run(VECTOR, c.vector);
    if (c.json) await run(JSON_PEER, c.json);
    const a = tableFromIPC(outputs[OURS] as Uint8Array);
    const b = tableFromIPC(outputs[VECTOR] as Uint8Array);
    const same = a.schema.toString() === b.schema.toString() && a.numRows === n && b.numRows === n && sameRows(a, b);
    result.checks.push({
      section: "encode",
      name: `${c.name} ×${n}: ours and vectorFromArray decode to the same table`,
      ok: same,
      detail: `${a.numRows} vs ${b.numRows} rows; schemas ${a.schema.toString() === b.schema.toString() ? "equal" : "differ"}; ${outputs[OURS]?.length} vs ${outputs[VECTOR]?.length} bytes`,
    });
    const comparison = compare(result.figures, "encode", c.name, n, OURS, VECTOR, { ratio: 3, text: "≥ 3×" });
    if (comparison) result.comparisons.push(comparison);
    if (c.json) {
      const j = compare(result.figures, "encode", c.name, n, OURS, JSON_PEER);
      if (j) result.comparisons.push(j);
    }
  }
  return result;
}

/** Row for row, as JSON (bigints as text). */
function sameRows(a: Table, b: Table): boolean {
  const text = (t: Table, i: number) =>
    JSON.stringify(t.get(i)?.toJSON(), (_, v) =>
      typeof v === "bigint" ? `${v}n` : ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v,
    );
  for (let i = 0; i < a.numRows; i++) if (text(a, i) !== text(b, i)) return false;
  return true;
}
