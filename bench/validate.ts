/**
 * Validate: validations per second of our generated validators (`Order.check`, `BasicTestRecord.check`) against
 * @bufbuild/protovalidate (the reference interpreter, on protobuf-es messages of the same records, converted with
 * the records' own `toProto` before timing: its users already hold messages) and against the same rules written by
 * hand (validate/handwritten.ts). Two mixes: all valid, and every 4th record invalid. Verdicts must agree.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createFileRegistry, type DescMessage, fromBinary, type Message } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { createValidator } from "@bufbuild/protovalidate";
import { BasicTestRecord } from "../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Order } from "../generated/shop/v1/order_lakehouse.js";
import { repoRoot } from "../tools/lib/paths.js";
import type { BenchContext } from "./context.js";
import { compare, emptySection, type SectionResult } from "./results.js";
import { basic, order } from "./rows/index.js";
import { measureInterleaved, rates, type Timing } from "./stats.js";
import { checkBasic, checkOrder } from "./validate/handwritten.js";

export const VALIDATE_PEERS = { ours: "ours", protovalidate: "protovalidate", hand: "hand-written" } as const;

interface Case<T> {
  name: string;
  typeName: string;
  make(i: number, invalid: boolean): T;
  ours(r: T): number;
  hand(r: T): number;
}

const cases: Case<BasicTestRecord | Order>[] = [
  {
    name: "basic",
    typeName: "lakehouse.test.v1.BasicTestRecord",
    make: (i, invalid) => {
      const r = basic.row(i);
      if (invalid) r.id = 0n;
      return r;
    },
    ours: (r) => BasicTestRecord.check(r as BasicTestRecord).length,
    hand: (r) => checkBasic(r as BasicTestRecord).length,
  },
  {
    name: "order",
    typeName: "shop.v1.Order",
    make: (i, invalid) => {
      const r = order.row(i);
      if (invalid) {
        r.orderId = `x_${i}`;
        (r.lines[0] as { quantity: number }).quantity = 0;
      }
      return r;
    },
    ours: (r) => Order.check(r as Order).length,
    hand: (r) => checkOrder(r as Order).length,
  },
];

export async function validateSection(ctx: BenchContext): Promise<SectionResult> {
  const result = emptySection();
  // The contracts' descriptors (a buf image) give protovalidate the rules and protobuf-es the message schemas.
  const image = join(ctx.workDir, "contracts.binpb");
  execFileSync(join(repoRoot, "node_modules", ".bin", "buf"), ["build", "-o", image], { cwd: repoRoot });
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
  const validator = createValidator({ registry });
  const n = ctx.config.validateRecords;
  const plan = ctx.config.validatePlan;

  for (const c of cases) {
    const schema = registry.getMessage(c.typeName) as DescMessage;
    for (const mix of ["valid", "25% invalid"] as const) {
      const label = `${c.name}, ${mix}`;
      const records = Array.from({ length: n }, (_, i) => c.make(i, mix !== "valid" && i % 4 === 3));
      const messages = records.map((r) => (r as unknown as { toProto(s: DescMessage): Message }).toProto(schema));
      const invalid: Record<string, number> = {};
      // Each timed run validates the records `passes` times (protovalidate, ~50× slower, once): runs of a few
      // milliseconds would measure the machine's noise, not the validators.
      const timed = (peer: string, passes: number, body: (i: number) => boolean) => () => {
        let bad = 0;
        for (let p = 0; p < passes; p++) {
          bad = 0;
          for (let i = 0; i < n; i++) if (!body(i)) bad++;
        }
        invalid[peer] = bad;
      };
      const passes = ctx.config.validatePasses;
      const peers: [string, number, (i: number) => boolean][] = [
        [VALIDATE_PEERS.ours, passes, (i) => c.ours(records[i] as BasicTestRecord | Order) === 0],
        [VALIDATE_PEERS.protovalidate, 1, (i) => validator.validate(schema, messages[i] as Message).kind === "valid"],
        [VALIDATE_PEERS.hand, passes, (i) => c.hand(records[i] as BasicTestRecord | Order) === 0],
      ];
      const timings = measureInterleaved(
        plan,
        Object.fromEntries(peers.map(([peer, peerPasses, body]) => [peer, timed(peer, peerPasses, body)])),
      );
      for (const [peer, peerPasses] of peers) {
        const timing = timings[peer] as Timing;
        const rate = rates(n * peerPasses, timing).median;
        result.figures.push({
          section: "validate",
          case: label,
          size: n,
          peer,
          unit: "validations/s",
          timing,
          rate,
          ...(peerPasses > 1 ? { note: `${peerPasses} passes over the ${n} records per run` } : {}),
        });
        ctx.log(`  validate ${label} ×${n} ${peer}: ${rate.toFixed(0)} validations/s`);
      }
      const expected = mix === "valid" ? 0 : Math.floor(n / 4);
      result.checks.push({
        section: "validate",
        name: `${label}: same verdicts`,
        ok: Object.values(invalid).every((v) => v === expected),
        detail: `${Object.entries(invalid)
          .map(([p, v]) => `${p}: ${v} invalid`)
          .join(", ")} (expected ${expected} of ${n})`,
      });
      for (const [peer, goal] of [
        [VALIDATE_PEERS.protovalidate, { ratio: 10, text: "≥ 10×" }],
        [VALIDATE_PEERS.hand, { ratio: 1 / 3, text: "within 3×" }],
      ] as const) {
        const comparison = compare(result.figures, "validate", label, n, VALIDATE_PEERS.ours, peer, goal);
        if (comparison) result.comparisons.push(comparison);
      }
    }
  }
  result.notes.push(
    "Each validation returns every violation with its field path and rule (ours: Violation objects with the value rendered; protovalidate: its Violation list; hand-written: {path, rule, message}).",
  );
  return result;
}
