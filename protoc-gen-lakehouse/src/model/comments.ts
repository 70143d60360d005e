import type { AnyDesc, DescFile } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";

/**
 * A proto comment as one line of column/table documentation: the leading comment (else the trailing one), lines
 * joined with spaces, so that DDL `COMMENT '…'` and schema metadata stay single-line.
 */
export function protoComment(desc: Exclude<AnyDesc, DescFile>): string | undefined {
  const comments = getComments(desc);
  const text = (comments.leading ?? comments.trailing ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(" ");
  return text.length > 0 ? text : undefined;
}
