/**
 * What a Delta table's log says about one writer: the last `txnVersion` recorded for its app id, and the commits its
 * appends made (found by their `userMetadata` marker in `DESCRIBE HISTORY`).
 *
 * The last version is read from the log itself, as Delta keeps it (`txn` actions, delta-io/delta PROTOCOL.md,
 * "Transaction Identifiers"), through Spark's file sources (no Delta API reads it):
 * - cheapest: the newest commit's checksum file (`<version>.crc`), whose `setTransactions` lists every app id's last
 *   version when Delta wrote it complete (it leaves it out for tables with very many app ids);
 * - otherwise every `txn` action in the log's JSON commits and checkpoints. Versions only grow, so the maximum is
 *   exact; it costs a read of the whole log, once per writer and process.
 * Reading needs read access to the table's `_delta_log` folder (its path from `DESCRIBE DETAIL` for a catalog
 * table).
 */
import { isSparkError } from "../errors.js";
import { quoteIdentifier } from "../records/sql-text.js";
import type { QueryOptions } from "../spark/dataframe.js";
import type { SparkSession } from "../spark/session.js";
import { decodeMarker, type WriterState } from "./idempotency.js";
import type { TableTarget } from "./table-target.js";

/** The last txnVersion Delta recorded for `appId` in the table; 0n when it recorded none. */
export async function recordedTxnVersion(
  session: SparkSession,
  target: TableTarget,
  appId: string,
  options: QueryOptions,
): Promise<bigint> {
  const log = `${escapeGlob(await tableLocation(session, target, options))}/_delta_log`;
  const [latest] = await (await session.sql(`DESCRIBE HISTORY ${target.sql} LIMIT 1`, undefined, options)).collect(
    options,
  );
  if (latest !== undefined) {
    const crc = `${log}/${String(latest.version).padStart(20, "0")}.crc`;
    const rows = await collectOrNone(
      session,
      `SELECT from_json(value, 'setTransactions ARRAY<STRUCT<appId: STRING, version: BIGINT>>').setTransactions AS t ` +
        `FROM text.${quoteIdentifier(crc)}`,
      {},
      options,
    );
    const transactions = rows[0]?.t as { appId: string; version: bigint }[] | null | undefined;
    if (Array.isArray(transactions)) return transactions.find((t) => t.appId === appId)?.version ?? 0n;
  }
  const [commits, checkpoints] = await Promise.all([
    collectOrNone(
      session,
      `SELECT max(a.txn.version) AS v FROM (SELECT from_json(value, 'txn STRUCT<appId: STRING, version: BIGINT>') AS a ` +
        `FROM text.${quoteIdentifier(`${log}/*.json`)}) WHERE a.txn.appId = :appId`,
      { appId },
      options,
    ),
    collectOrNone(
      session,
      `SELECT max(txn.version) AS v FROM parquet.${quoteIdentifier(`${log}/*.checkpoint*.parquet`)} WHERE txn.appId = :appId`,
      { appId },
      options,
    ),
  ]);
  let last = 0n;
  for (const v of [commits[0]?.v, checkpoints[0]?.v]) if (typeof v === "bigint" && v > last) last = v;
  return last;
}

/**
 * The commit recorded under (appId, txnVersion), found by its marker in the table's history, newest first: the
 * newest commit (no concurrent writer: it is ours), then the last 64, then all of it. Every marker of the app id seen
 * on the way is remembered in `state`, so a resumed run looks up the history once.
 */
export async function findCommit(
  session: SparkSession,
  target: TableTarget,
  appId: string,
  txnVersion: bigint,
  state: WriterState,
  options: QueryOptions,
): Promise<{ version: bigint; sha256: string } | undefined> {
  const known = state.commits.get(txnVersion);
  if (known) return known;
  for (const limit of [" LIMIT 1", " LIMIT 64", ""]) {
    const history = await (await session.sql(`DESCRIBE HISTORY ${target.sql}${limit}`, undefined, options)).collect(
      options,
    );
    for (const entry of history) {
      const marker = decodeMarker(entry.userMetadata);
      if (marker?.appId !== appId || typeof entry.version !== "bigint") continue;
      const seen = state.commits.get(marker.txnVersion);
      // Delta records a version once per app id, so only one commit can hold it; keep the oldest if ever two do.
      if (seen === undefined || entry.version < seen.version) {
        state.commits.set(marker.txnVersion, { version: entry.version, sha256: marker.sha256 });
      }
    }
    const found = state.commits.get(txnVersion);
    if (found) return found;
  }
  return undefined;
}

async function tableLocation(session: SparkSession, target: TableTarget, options: QueryOptions): Promise<string> {
  if (target.location !== undefined) return target.location;
  const [detail] = await (await session.sql(`DESCRIBE DETAIL ${target.sql}`, undefined, options)).collect(options);
  return String(detail?.location);
}

/** Rows of `sql`, or none when the files it reads do not exist. */
async function collectOrNone(
  session: SparkSession,
  sql: string,
  params: Record<string, string>,
  options: QueryOptions,
): Promise<Record<string, unknown>[]> {
  try {
    return await (await session.sql(sql, params, options)).collect(options);
  } catch (error) {
    if (isSparkError(error) && error.errorClass === "PATH_NOT_FOUND") return [];
    throw error;
  }
}

/** Hadoop glob metacharacters in a literal path, escaped (Spark globs every file-source path). */
export function escapeGlob(path: string): string {
  return path.replace(/[\\{}[\]*?]/g, "\\$&");
}
