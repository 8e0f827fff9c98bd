import { describe, expect, it } from "vitest";
import { legacyReceiveWalSlotName, receiveWalSlotName } from "./slot-names";

describe("receiveWalSlotName", () => {
  it("names the slot after the cluster id, so a rename keeps it", () => {
    const slot = receiveWalSlotName("0B6E1F2A-3C4D-4E5F-8a9b-0c1d2e3f4a5b");
    expect(slot).toBe("walden_0b6e1f2a3c4d4e5f8a9b0c1d2e3f4a5b");
    expect(slot).toMatch(/^[a-z0-9_]{1,63}$/);
  });

  it("refuses anything that is not a cluster id", () => {
    expect(() => receiveWalSlotName("prod-eu")).toThrow(/not a cluster id/);
    expect(() => receiveWalSlotName("0b6e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5")).toThrow(/not a cluster id/);
  });

  it("still knows the name-based slot of older versions, cut at 63 characters", () => {
    expect(legacyReceiveWalSlotName("prod-eu")).toBe("walden_prod_eu");
    expect(legacyReceiveWalSlotName("a".repeat(80))).toHaveLength(63);
  });
});
