/** The scratch consumer project of consumer.test.ts: its contract and a file that uses the generated class. */

/** A consumer's own contract, using the plugin's options (imported from the installed package's proto/ folder). */
export const CONSUMER_CONTRACT = `// Payments of a consumer of the plugin.
syntax = "proto3";

package acme.billing.v1;

import "buf/validate/validate.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "lakehouse/v1/options.proto";

option (lakehouse.v1.file) = {schema: "billing"};

// A payment received.
message Payment {
  option (lakehouse.v1.table) = {
    name: "payments"
    primary_key: ["payment_id"]
    partition_by: ["method"]
  };

  string payment_id = 1 [
    (buf.validate.field).string.min_len = 1,
    (buf.validate.field).string.pattern = "^pay_[0-9]+$"
  ];
  // Amount received.
  string amount = 2 [(lakehouse.v1.field).decimal = {
    precision: 12
    scale: 2
  }];
  Method method = 3;
  repeated Line lines = 4;
  map<string, int64> counters = 5;
  // Card holder name; personal data.
  string holder = 6 [(lakehouse.v1.field).sensitive = true];
  uint64 sequence = 7;
  string ingest_id = 8 [(lakehouse.v1.field).role = ROLE_INGEST_ID];
  google.protobuf.Timestamp created_at = 9 [(lakehouse.v1.field).role = ROLE_CREATED_AT];
  // Whatever the payment provider sent.
  google.protobuf.Struct provider_data = 10;

  // How the payment was made.
  enum Method {
    METHOD_UNSPECIFIED = 0;
    METHOD_CARD = 1;
    METHOD_CASH = 2;
  }

  // What the payment is for.
  message Line {
    string description = 1;
    optional int32 quantity = 2;
  }
}
`;

/**
 * Uses the generated class as a consumer would, including conversion to and from protoc-gen-es's message of the
 * same type (typed: \`toProto(PaymentSchema)\` must give protoc-gen-es's \`Payment\`); prints what the test checks.
 */
export const CONSUMER_MAIN = `import { Payment, Payment_Line } from "./gen/acme/billing/v1/payment_lakehouse.js";
import { type Payment as PaymentMessage, PaymentSchema } from "./gen/acme/billing/v1/payment_pb.js";

const payments: Payment[] = [
  new Payment({
    paymentId: "pay_1",
    amount: "12.50",
    method: "METHOD_CARD",
    lines: [new Payment_Line({ description: "book", quantity: 2 }), { description: "bag" }],
    counters: new Map([["retries", 1n]]),
    holder: "Ada",
    sequence: 18446744073709551615n,
    providerData: { psp: "acme", attempts: [1, 2] },
  }),
  Payment.create({ paymentId: "pay_2", amount: "0.99", method: "METHOD_CASH" }),
];
const first = payments[0];
if (first === undefined) throw new Error("no payment");

const table = Payment.toArrow(payments);
const back: Payment = Payment.fromJson(JSON.parse(JSON.stringify(first.toJson())));
const sql: string = Payment.createTableSql();
const parquet: Uint8Array = await Payment.toParquet(payments);
const message: PaymentMessage = first.toProto(PaymentSchema);
const fromMessage: Payment = Payment.fromProto(PaymentSchema, message);

const roundTrip =
  back.paymentId === first.paymentId &&
  back.amount === first.amount &&
  back.sequence === first.sequence &&
  back.ingestId === first.ingestId &&
  back.createdAt?.getTime() === first.createdAt?.getTime() &&
  back.lines[0]?.quantity === 2 &&
  JSON.stringify(back.providerData) === JSON.stringify(first.providerData) &&
  back.counters.get("retries") === 1n;

console.log(
  JSON.stringify({
    rows: table.numRows,
    columns: table.schema.fields.map((f) => f.name),
    roundTrip,
    validation: [first.validate().kind, Payment.validate({ paymentId: "card_1" }).kind],
    protoRoundTrip:
      message.sequence === first.sequence &&
      message.method === 1 &&
      message.lines[0]?.quantity === 2 &&
      JSON.stringify(fromMessage.toJson()) === JSON.stringify(first.toJson()),
    sql,
    parquetMagic: new TextDecoder().decode(parquet.subarray(0, 4)),
  }),
);
`;

/** A fenced block of a Markdown file. */
export interface MarkdownBlock {
  /** The info string: `yaml`, `sh`, `ts`, `proto`. */
  readonly lang: string;
  readonly text: string;
  /** The heading it is under. */
  readonly section: string;
}

/** The fenced blocks of a Markdown text, in order. */
export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const lines = markdown.split("\n");
  const blocks: MarkdownBlock[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,6} /.test(line)) section = line.replace(/^#+ /, "");
    if (!line.startsWith("```")) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end]?.startsWith("```")) end++;
    blocks.push({ lang: line.slice(3).trim(), text: `${lines.slice(i + 1, end).join("\n")}\n`, section });
    i = end;
  }
  return blocks;
}

/** The one block of a Markdown text whose first line is `firstLine` (a `# buf.yaml, …` comment, a `// path`). */
export function blockStartingWith(markdown: string, firstLine: string): string {
  const found = markdownBlocks(markdown).filter((b) => b.text.startsWith(`${firstLine}\n`));
  if (found.length !== 1)
    throw new Error(`expected one block starting with ${JSON.stringify(firstLine)}, found ${found.length}`);
  return (found[0] as MarkdownBlock).text;
}
