import { describe, expect, it } from "vitest";
import { instanceName, restoredTableName } from "./names";

describe("restore names", () => {
  it("names the copy <table>_restored_<yyyymmdd_hhmm> in UTC, within PostgreSQL's 63 bytes", () => {
    expect(restoredTableName("orders", new Date("2026-11-26T14:52:31Z"))).toBe(
      "orders_restored_20261126_1452",
    );
    expect(restoredTableName("x".repeat(63), new Date("2026-11-26T14:52:31Z"))).toHaveLength(63);
  });

  it("names a restored instance after the first 8 characters of its restore's id", () => {
    expect(instanceName("0b6e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b")).toBe("walden-restore-0b6e1f2a");
  });
});
