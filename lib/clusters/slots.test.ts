import { describe, expect, it } from "vitest";
import { walReceiverSlots } from "@/lib/clusters/slots";

describe("walReceiverSlots", () => {
  it("lists the slot named after the id first, then the name-based one of older versions", () => {
    expect(walReceiverSlots({ id: "0b6e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b", name: "prod-eu" })).toEqual([
      "walden_0b6e1f2a3c4d4e5f8a9b0c1d2e3f4a5b",
      "walden_prod_eu",
    ]);
  });

  it("names each slot once when a cluster is named like its own id's slot", () => {
    const id = "0b6e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    expect(walReceiverSlots({ id, name: "0b6e1f2a3c4d4e5f8a9b0c1d2e3f4a5b" })).toEqual([
      "walden_0b6e1f2a3c4d4e5f8a9b0c1d2e3f4a5b",
    ]);
  });
});
