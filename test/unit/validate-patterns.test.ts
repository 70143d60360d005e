/**
 * Patterns that skip RE2 for V8's engine (runtime/src/validate/simple-pattern.ts) must match exactly the strings RE2
 * matches: checked here against RE2 on edge-case inputs; everything outside the linear-time subset stays on RE2.
 */
import { RE2JS } from "@bufbuild/re2";
import { describe, expect, test } from "vitest";
import { linearRegExp } from "../../runtime/src/validate/simple-pattern.js";

const FAST = [
  "^[A-Z]{2}$",
  "^[A-Z0-9]{8,16}$",
  "^[0-9]{4}$",
  "^[a-z][a-z0-9_]*$",
  "^\\d+$",
  "^ord_",
  "^[^a-z]{1,3}x$",
  "^ab?c$",
  "^a\\.b\\+c[-]",
  "^[\\d.]{2,}",
  "^[a-f0-9-]{36}$",
  "^",
  "^$",
];

const SLOW = [
  "[A-Z]{2}", // not anchored: a scan over start positions
  "^a*a*$", // two variable atoms
  "^(ab)+$",
  "^a|b$",
  "^.{3}$", // `.` differs (line terminators)
  "^\\s+$", // \s differs (Unicode spaces)
  "^\\w+$",
  "^a+?$", // lazy
  "^[[:alpha:]]+$",
  "^a{2,1001}$",
  "^(?i)abc$",
  "^a$b",
  "^\\-a$",
];

const INPUTS = [
  "",
  "a",
  "ab",
  "abc",
  "AB",
  "ABC",
  "ab\n",
  "AB\n",
  "\nAB",
  "1234",
  "12345",
  "ord_1",
  "ABCD1234",
  "ABCD12345678901234",
  "a.b+c-",
  "9.",
  "ZZx",
  "zzx",
  "日本x",
  "🌍🌍x",
  "a_b9",
  "ac",
  "abbc",
  "0123456789abcdef0123456789abcdef-123",
  "𝄞𝄞",
  "é",
];

describe("linear-time patterns on V8's engine", () => {
  test.each(FAST)("%s matches exactly what RE2 matches", (pattern) => {
    const fast = linearRegExp(pattern);
    expect(fast, pattern).toBeInstanceOf(RegExp);
    const re2 = RE2JS.compile(pattern);
    for (const input of INPUTS)
      expect(fast?.test(input), `${pattern} on ${JSON.stringify(input)}`).toBe(re2.test(input));
  });

  test.each(SLOW)("%s stays on RE2", (pattern) => {
    expect(linearRegExp(pattern)).toBeUndefined();
  });
});
