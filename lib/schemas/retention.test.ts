import { describe, expect, it } from "vitest";
import { retentionPolicySchema } from "@/lib/schemas/retention";

const base = { recoveryWindowDays: 7, minRedundancy: 2, logicalKeep: 7 };
const issues = (input: unknown) =>
  retentionPolicySchema
    .safeParse(input)
    .error?.issues.map((issue) => [issue.path.join("."), issue.message]) ?? [];

describe("retentionPolicySchema tiers", () => {
  it("accepts the four tiers from 0 to 1000", () => {
    expect(
      retentionPolicySchema.parse({
        ...base,
        keepDaily: 7,
        keepWeekly: 0,
        keepMonthly: 12,
        keepYearly: 1000,
      }),
    ).toEqual({ ...base, keepDaily: 7, keepWeekly: 0, keepMonthly: 12, keepYearly: 1000 });
  });

  it("turns a tier left out off, so a policy written before tiers existed still parses", () => {
    expect(retentionPolicySchema.parse(base)).toEqual({
      ...base,
      keepDaily: 0,
      keepWeekly: 0,
      keepMonthly: 0,
      keepYearly: 0,
    });
  });

  it.each([
    ["keepDaily", -1, "must be 0 (off) or more"],
    ["keepWeekly", 1001, "must be at most 1000 weeks"],
    ["keepMonthly", 2.5, "must be a whole number of months"],
    ["keepYearly", "3", "must be a whole number of years"],
    ["keepDaily", null, "must be a whole number of days"],
  ])("refuses %s = %j, naming the field", (field, value, message) => {
    expect(issues({ ...base, [field]: value })).toEqual([[field, message]]);
  });

  it("refuses a tier it does not know", () => {
    expect(issues({ ...base, keepHourly: 24 })[0]?.[1]).toMatch(/keepHourly/);
  });
});
