/**
 * Column types the committed contracts cannot show: google.type.Date and google.type.Decimal (buf resolves
 * google/type/*.proto only from the BSR, which the build does not use). The workspace holds stand-ins that declare
 * only the two message names; the plugin maps these types by name.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { ContractWorkspace } from "./plugin-harness.js";

let workspace: ContractWorkspace;
beforeAll(() => {
  workspace = new ContractWorkspace({
    "google/type/date.proto":
      'syntax = "proto3";\npackage google.type;\n// Stand-in: only the name matters.\nmessage Date {}\n',
    "google/type/decimal.proto":
      'syntax = "proto3";\npackage google.type;\n// Stand-in: only the name matters.\nmessage Decimal {}\n',
    "ledger/v1/entry.proto": `syntax = "proto3";
package ledger.v1;
import "google/type/date.proto";
import "google/type/decimal.proto";
import "lakehouse/v1/options.proto";
message Entry {
  option (lakehouse.v1.table) = { partition_by: ["booking_date"] };
  google.type.Date booking_date = 1;
  google.type.Decimal amount = 2 [(lakehouse.v1.field).decimal = { precision: 20, scale: 4 }];
  repeated google.type.Date value_dates = 3;
}`,
    "ledger/v1/bad.proto": `syntax = "proto3";
package ledger.v1;
import "google/type/decimal.proto";
message Bad {
  google.type.Decimal amount = 1;
}`,
  });
}, 60_000);
afterAll(() => workspace.dispose());

test("google.type.Date is a DATE column of YYYY-MM-DD strings; google.type.Decimal with the option a DECIMAL", () => {
  const content = workspace.generate("ledger/v1/entry.proto").file[0]?.content ?? "";
  expect(content).toContain("  bookingDate: string | undefined;\n");
  expect(content).toContain("  amount: string | undefined;\n");
  expect(content).toContain("  valueDates: string[];\n");
  expect(content).toContain('{ no: 1, name: "booking_date", type: "date" },');
  expect(content).toContain(
    '{ no: 2, name: "amount", type: { kind: "decimal", precision: 20, scale: 4 }, nullable: true },',
  );
  expect(content).toContain('{ no: 3, name: "value_dates", type: { kind: "list", element: "date" } },');
  expect(content).toContain('table: { name: "entry", partitionBy: ["booking_date"] },');
});

test("a google.type.Decimal field without the decimal option is an error", () => {
  expect(() => workspace.generate("ledger/v1/bad.proto")).toThrow(
    "ledger/v1/bad.proto: message ledger.v1.Bad: field amount: a google.type.Decimal field needs the decimal option (precision and scale)",
  );
});
