/**
 * `--contract <module>#<Export>`: the generated record class the CLI works with, imported from the user's
 * compiled (or, under tsx, TypeScript) generated code.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidArgumentError } from "../errors.js";
import type { JsonDecodeError } from "../records/errors.js";
import type { RecordClass } from "../tables/record-class.js";

export interface CliRecordClass<T extends object = object> extends RecordClass<T> {
  safeFromJson(json: unknown): { ok: true; value: T } | { ok: false; error: JsonDecodeError };
  prototype: T;
}

export async function loadContract(spec: string): Promise<CliRecordClass> {
  const hash = spec.lastIndexOf("#");
  if (hash <= 0 || hash === spec.length - 1) {
    throw new InvalidArgumentError(
      `--contract must be <module>#<ExportName>, e.g. ./generated/shop/v1/order_lakehouse.js#Order`,
    );
  }
  const path = spec.slice(0, hash);
  const name = spec.slice(hash + 1);
  const module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const candidate: unknown = module[name];
  const shape = candidate as { descriptor?: unknown; safeFromJson?: unknown };
  if (typeof candidate !== "function" || !shape.descriptor || typeof shape.safeFromJson !== "function") {
    throw new InvalidArgumentError(`${path} exports no record class named ${name}`);
  }
  return candidate as unknown as CliRecordClass;
}
