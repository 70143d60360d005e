/** What the runtime needs of a generated record class: its descriptor, its reader, and (optionally) its validator. */
import type { Table } from "apache-arrow";
import type { RecordShape } from "../reads/shape.js";
import type { RecordDescriptor } from "../records/descriptor.js";
import type { RecordIssue } from "../records/errors.js";

export interface RecordClass<T extends object> extends RecordShape<T> {
  readonly descriptor: RecordDescriptor;
  /** Instances from an Arrow table of the record's columns. */
  fromArrow(table: Table): T[];
  /** A record from an init object (a generated class's `create`): projections are made of its properties. */
  create?(init: never): T;
  /**
   * Every problem with one record (protovalidate rules and column ranges); empty when it is valid. A rule that
   * cannot be evaluated throws (its `RuleEvaluationError`), and the write fails with it.
   */
  check?(record: T): readonly RecordIssue[];
}
