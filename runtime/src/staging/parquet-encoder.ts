/**
 * Parquet encoding off the main thread: a small pool of worker threads (parquet-worker.ts) that turn Arrow tables
 * into Parquet files, so a bulk load validates the next batch and uploads the previous one while this one is
 * encoded. Jobs are queued; at most `workers` run at once. The workers do not keep the process alive when idle.
 */
import { Worker } from "node:worker_threads";
import { type Table, tableToIPC } from "apache-arrow";
import { ProtocolError } from "../errors.js";

interface Pending {
  resolve: (parquet: Uint8Array) => void;
  reject: (error: unknown) => void;
}

export class ParquetEncoder {
  readonly #workers: Worker[] = [];
  readonly #busy = new Set<Worker>();
  readonly #queue: { id: number; ipc: Uint8Array }[] = [];
  readonly #pending = new Map<number, Pending & { worker?: Worker }>();
  readonly #size: number;
  #next = 0;

  constructor(workers = 1) {
    this.#size = Math.max(1, workers);
  }

  /** The Parquet file of `table` (its schema as the table's, Snappy-compressed). */
  encode(table: Table): Promise<Uint8Array> {
    const id = this.#next++;
    const ipc = tableToIPC(table, "stream");
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#queue.push({ id, ipc });
      this.#dispatch();
    });
  }

  /** Stop the workers; jobs still queued fail. */
  async close(): Promise<void> {
    for (const job of this.#queue.splice(0)) this.#pending.get(job.id)?.reject(new ProtocolError("encoder closed"));
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idleWorker();
      if (worker === undefined) return;
      const job = this.#queue.shift() as { id: number; ipc: Uint8Array };
      this.#busy.add(worker);
      worker.ref();
      const pending = this.#pending.get(job.id);
      if (pending) pending.worker = worker;
      worker.postMessage(job, [job.ipc.buffer as ArrayBuffer]);
    }
  }

  #idleWorker(): Worker | undefined {
    const idle = this.#workers.find((w) => !this.#busy.has(w));
    if (idle) return idle;
    if (this.#workers.length >= this.#size) return undefined;
    const worker = spawnWorker();
    worker.on("message", (message: { id: number; parquet?: Uint8Array; error?: string }) => {
      this.#busy.delete(worker);
      worker.unref();
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error !== undefined) pending?.reject(new ProtocolError(`Parquet encoding failed: ${message.error}`));
      else pending?.resolve(message.parquet as Uint8Array);
      this.#dispatch();
    });
    worker.on("error", (error) => {
      // A worker that dies fails the job it had; a new one is started for the next.
      this.#busy.delete(worker);
      this.#workers.splice(this.#workers.indexOf(worker), 1);
      for (const [id, p] of this.#pending) {
        if (p.worker === worker) {
          this.#pending.delete(id);
          p.reject(new ProtocolError(`the Parquet encoder's worker failed: ${error.message}`));
        }
      }
      this.#dispatch();
    });
    worker.unref();
    this.#workers.push(worker);
    return worker;
  }
}

/**
 * The worker script beside this module: `.js` in the built package; `.ts` when the runtime runs from its sources
 * (tests, tsx), which the worker then loads through tsx as well.
 */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./parquet-worker.js", here));
  // From sources: tsx's loader is registered in the worker (module hooks do not carry over into workers).
  const script = new URL("./parquet-worker.ts", here).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`;
  return new Worker(bootstrap, { eval: true });
}
