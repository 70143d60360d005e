/**
 * The table's CHECK constraints against the real server, from outside our client: the review migration of a
 * tightened and a relaxed rule applied (`applyReview`, what `lakehouse review --apply` runs) to a table holding
 * rows, refused while rows violate the tightened rule and applied once they are gone; and a pyspark-client writer
 * (the bench's Python peer, bench/python/bypass.py) that bypasses the record classes, refused for every kind of
 * rule the table enforces and given the client validator's verdict for every seeded value.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureVenv, runPython } from "../../bench/python/venv.js";
import { CheckedRecord } from "../../generated/lakehouse/test/v1/checks_lakehouse.js";
import { applyReview } from "../../runtime/src/cli/review.js";
import { isConstraintViolationError, RecordTable, type SparkSession } from "../../runtime/src/index.js";
import { BASE, CASES } from "./check-constraints.testdata.js";
import { connect, remote, tablePath } from "./helpers.js";
import { type AnyClass, prepare } from "./review-fixture-classes.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await connect();
});
afterAll(async () => {
  await spark?.close();
});

/** An output stream that keeps what is written. */
function sink(): { stream: NodeJS.WritableStream; text: () => string; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = { write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WritableStream;
  return { stream, text: () => chunks.join(""), lines: () => chunks.join("").split(/(?<=\n)/) };
}

/** The error of a statement, or "written". */
async function attempt(sql: string): Promise<unknown> {
  return spark
    .sql(sql)
    .then(async (df) => {
      await df.collect();
      return "written";
    })
    .catch((error: unknown) => error);
}

describe("review migrations of CHECK constraints, applied to a table holding rows", () => {
  test("a relaxed and a tightened rule: refused while rows violate the tightened one, applied once they are gone", async () => {
    const c = await prepare("constraints-tightened-relaxed");
    const t = `delta.\`${c.location}\``;
    const old = new RecordTable(spark, c.Old, { location: c.location });
    await old.ensureTable();
    await old.insertRecords([
      new c.Old({ id: 1n, sku: "abc", quantity: 2 }),
      new c.Old({ id: 2n, sku: "abcd", quantity: 7 }),
    ]);
    const before = await old.constraints();
    expect(before).toMatchObject({ sku_string_min_len: expect.any(String), quantity_int32_gte: expect.any(String) });
    // Until migrated, the table enforces the old rules: a row the new contract allows is refused.
    const early = await attempt(`INSERT INTO ${t} VALUES (3, 'ab', 5)`);
    expect(isConstraintViolationError(early) && early.constraint).toBe("sku_string_min_len");

    const options = { allowBreaking: false, connect: () => connect() };
    const refused = sink();
    expect(await applyReview(c.report, options, refused.stream)).toBe(1);
    expect(refused.lines().filter((l) => l.startsWith("check:"))).toEqual([
      "check: rows violating the new CHECK constraint sku_string_min_len (sku: string.min_len): 0 rows\n",
      "check: rows violating the new CHECK constraint quantity_int32_gte (quantity: int32.gte): 1 rows\n",
    ]);
    const listing = `SELECT * FROM ${t} WHERE NOT coalesce(\`quantity\` >= 5, false)`;
    expect(refused.text()).toContain(`  the rows: ${listing}\n`);
    expect(refused.text()).toContain(`stopped: existing rows of ${t} violate the new contract; nothing was changed\n`);
    expect(refused.text()).not.toContain("ALTER TABLE");
    expect(await old.constraints()).toEqual(before);
    // The listed query finds the violating row.
    const rows = await (await spark.sql(listing)).collect();
    expect(rows.map((r) => r.id)).toEqual([1n]);

    await (await spark.sql(`DELETE FROM ${t} WHERE id = 1`)).collect();
    const applied = sink();
    expect(await applyReview(c.report, options, applied.stream)).toBe(0);
    expect(applied.text()).toContain(`ALTER TABLE ${t} ADD CONSTRAINT quantity_int32_gte CHECK (\`quantity\` >= 5);\n`);
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    // The relaxed rule takes what it now allows; the tightened one refuses a bypassing writer.
    expect(await attempt(`INSERT INTO ${t} VALUES (3, 'ab', 5)`)).toBe("written");
    const tight = await attempt(`INSERT INTO ${t} VALUES (4, 'abcd', 4)`);
    expect(isConstraintViolationError(tight)).toBe(true);
    if (!isConstraintViolationError(tight)) return;
    expect(tight).toMatchObject({
      errorClass: "DELTA_VIOLATE_CONSTRAINT_WITH_VALUES",
      constraint: "quantity_int32_gte",
    });
    const ids = (await after.query(undefined, { orderBy: [{ field: "id" }] })).map((r: AnyClass) => r.id);
    expect(ids).toEqual([2n, 3n]);
  }, 180_000);
});

interface BypassResult {
  readonly name: string;
  readonly written: boolean;
  readonly condition?: string | null;
  readonly constraint?: string | null;
  readonly message?: string;
}

describe("a pyspark-client writer that bypasses the record classes", () => {
  test("is refused for every kind of rule the table enforces, and gets the client's verdict for every seeded value", async () => {
    // Builds the venv on first use (about 2.5 minutes on a fresh machine), else reuses .cache/bench/venv.
    const versions = ensureVenv(() => undefined);
    expect(versions.pyspark).toMatch(/^4\./);
    const location = tablePath("checks_pyspark");
    const table = new RecordTable(spark, CheckedRecord, { location });
    expect(await table.ensureTable()).toBe("created");
    const cases = CASES.map((k, i) => ({
      name: String(i),
      columns: { ...BASE, id: String(i + 1), [k.column]: k.sql },
    }));
    const { results } = await runPython<{ results: BypassResult[] }>("bypass.py", {
      remote: remote(),
      path: location,
      cases,
    });
    expect(results).toHaveLength(CASES.length);
    const refusedBy = new Set<string>();
    for (const [i, k] of CASES.entries()) {
      const r = results[i] as BypassResult;
      const json = { id: String(i + 1), requiredText: "x", [k.json]: k.value };
      const client = CheckedRecord.validate(CheckedRecord.fromJson(json)).kind;
      const label = `${k.column} = ${k.sql}`;
      expect(`${label}: ${r.written ? "valid" : "invalid"}`).toBe(`${label}: ${client}`);
      if (r.written) continue;
      expect(`${label}: ${r.condition}`).toBe(`${label}: DELTA_VIOLATE_CONSTRAINT_WITH_VALUES`);
      const constraint = r.constraint ?? "";
      if (k.constraint !== undefined) expect(constraint).toBe(k.constraint);
      else expect(constraint.startsWith(k.column)).toBe(true);
      refusedBy.add(constraint);
    }
    // As for the SQL writer (check-constraints.test.ts): every constraint refused a row but three that the seeded
    // values cannot reach alone.
    const names = (CheckedRecord.descriptor.table?.checks ?? []).map((c) => c.name);
    expect(names.filter((name) => !refusedBy.has(name)).sort()).toEqual([
      "blob_bytes_min_len",
      "level_enum_defined_only",
      "sku_string_contains",
    ]);
    // The rows the table took are exactly the valid ones.
    const written = results.filter((r) => r.written).length;
    const [count] = await (await spark.sql(`SELECT COUNT(*) AS n FROM delta.\`${location}\``)).collect();
    expect(count?.n).toBe(BigInt(written));
  }, 600_000);
});
