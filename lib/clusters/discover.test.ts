import { describe, expect, it } from "vitest";
import {
  suggestNodeName,
  toDiscoveredStandbys,
  toDiscoveredUpstream,
  type StatReplicationRow,
} from "./discover";

const row = (overrides: Partial<StatReplicationRow>): StatReplicationRow => ({
  application_name: "standby1",
  client_addr: "10.0.0.2",
  client_hostname: null,
  client_port: 51234,
  state: "streaming",
  sync_state: "async",
  slot_name: "standby1",
  ...overrides,
});

describe("suggestNodeName", () => {
  it("turns an application_name into a node name Walden accepts, unique and never 'primary'", () => {
    const taken = new Set(["primary"]);
    expect(suggestNodeName("Standby_1", taken)).toBe("standby-1");
    expect(suggestNodeName("standby 1", taken)).toBe("standby-1-2");
    expect(suggestNodeName("primary", taken)).toBe("standby");
    expect(suggestNodeName("", taken)).toBe("standby-2");
    expect(suggestNodeName("--x--", taken)).toBe("x");
  });
});

describe("toDiscoveredStandbys", () => {
  it("lists standbys with their address and states, leaving out Walden's own WAL receiver", () => {
    const standbys = toDiscoveredStandbys([
      row({}),
      row({ application_name: "pg_receivewal", slot_name: "walden_prod" }),
      row({ application_name: "walden-prod", slot_name: "walden_prod" }),
      row({ application_name: "db-3", client_addr: null, client_port: -1, sync_state: "sync" }),
    ]);
    expect(standbys).toEqual([
      {
        applicationName: "standby1",
        suggestedName: "standby1",
        clientAddr: "10.0.0.2",
        clientHostname: null,
        clientPort: 51234,
        state: "streaming",
        syncState: "async",
        slotName: "standby1",
      },
      expect.objectContaining({
        applicationName: "db-3",
        suggestedName: "db-3",
        clientAddr: null,
        clientPort: null,
        syncState: "sync",
      }),
    ]);
  });

  it("gives two standbys with one application_name distinct names", () => {
    const names = toDiscoveredStandbys([
      row({ application_name: "walreceiver" }),
      row({ application_name: "walreceiver" }),
    ]);
    expect(names.map((standby) => standby.suggestedName)).toEqual(["walreceiver", "walreceiver-2"]);
  });
});

describe("toDiscoveredUpstream", () => {
  it("reads the WAL receiver's sender, or nothing when it is not running", () => {
    expect(toDiscoveredUpstream(undefined)).toBeNull();
    expect(
      toDiscoveredUpstream({
        status: "streaming",
        sender_host: "10.0.0.1",
        sender_port: 5432,
        slot_name: "s1",
      }),
    ).toEqual({ host: "10.0.0.1", port: 5432, status: "streaming", slotName: "s1" });
  });
});
