import { describe, expect, it } from "vitest";
import {
  allTimeZones,
  formatInZone,
  formatOffset,
  instantToZonedWallTime,
  isValidTimeZone,
  toUtcIso,
  wallTimeCeil,
  wallTimeFloor,
  zonedWallTimeToInstant,
  zoneOffsetMs,
} from "./zoned-time";

const utc = (iso: string) => Date.parse(iso);

describe("zonedWallTimeToInstant", () => {
  it("reads a wall time in UTC as itself", () => {
    expect(zonedWallTimeToInstant("2026-11-26T14:52:07", "UTC")).toEqual({
      ms: utc("2026-11-26T14:52:07Z"),
      kind: "exact",
      offsetMinutes: 0,
    });
  });

  it("applies the zone's standard and summer offsets", () => {
    expect(zonedWallTimeToInstant("2026-01-15T10:00:00", "Europe/Berlin")?.ms).toBe(
      utc("2026-01-15T09:00:00Z"),
    );
    expect(zonedWallTimeToInstant("2026-07-15T10:00:00", "Europe/Berlin")?.ms).toBe(
      utc("2026-07-15T08:00:00Z"),
    );
    expect(zonedWallTimeToInstant("2026-07-15T10:00:00", "America/New_York")?.ms).toBe(
      utc("2026-07-15T14:00:00Z"),
    );
    expect(zonedWallTimeToInstant("2026-01-15T10:00:00", "America/New_York")?.offsetMinutes).toBe(-300);
    expect(zonedWallTimeToInstant("2026-01-15T10:00:00", "Asia/Kolkata")?.ms).toBe(
      utc("2026-01-15T04:30:00Z"),
    );
  });

  it("crosses the date line with the offset", () => {
    expect(zonedWallTimeToInstant("2026-01-01T00:30:00", "Pacific/Auckland")?.ms).toBe(
      utc("2025-12-31T11:30:00Z"),
    );
    expect(zonedWallTimeToInstant("2025-12-31T23:30:00", "America/Los_Angeles")?.ms).toBe(
      utc("2026-01-01T07:30:00Z"),
    );
  });

  it("accepts a wall time without seconds", () => {
    expect(zonedWallTimeToInstant("2026-11-26T14:52", "UTC")?.ms).toBe(utc("2026-11-26T14:52:00Z"));
  });

  it("moves a time that does not exist (clocks set forward) past the gap", () => {
    // Europe/Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST.
    const skipped = zonedWallTimeToInstant("2026-03-29T02:30:00", "Europe/Berlin");
    expect(skipped?.kind).toBe("skipped");
    expect(skipped?.ms).toBe(utc("2026-03-29T01:30:00Z"));
    expect(instantToZonedWallTime(skipped!.ms, "Europe/Berlin")).toBe("2026-03-29T03:30:00");
    expect(skipped?.offsetMinutes).toBe(120);
    // Just around the gap, both sides are exact.
    expect(zonedWallTimeToInstant("2026-03-29T01:59:59", "Europe/Berlin")).toMatchObject({
      kind: "exact",
      ms: utc("2026-03-29T00:59:59Z"),
    });
    expect(zonedWallTimeToInstant("2026-03-29T03:00:00", "Europe/Berlin")).toMatchObject({
      kind: "exact",
      ms: utc("2026-03-29T01:00:00Z"),
    });
  });

  it("takes the earlier of a repeated hour (clocks set back) and says it is ambiguous", () => {
    // America/New_York, 2026-11-01: 02:00 EDT becomes 01:00 EST, so 01:30 happens twice.
    const repeated = zonedWallTimeToInstant("2026-11-01T01:30:00", "America/New_York");
    expect(repeated).toEqual({
      ms: utc("2026-11-01T05:30:00Z"),
      kind: "ambiguous",
      offsetMinutes: -240,
      laterMs: utc("2026-11-01T06:30:00Z"),
    });
    expect(zonedWallTimeToInstant("2026-11-01T02:30:00", "America/New_York")).toMatchObject({
      kind: "exact",
      ms: utc("2026-11-01T07:30:00Z"),
    });
  });

  it("handles half-hour summer time (Lord Howe Island)", () => {
    // +10:30 in winter, +11:00 in summer; 2026-10-04 02:00 becomes 02:30.
    expect(zonedWallTimeToInstant("2026-10-04T02:15:00", "Australia/Lord_Howe")?.kind).toBe("skipped");
    expect(zonedWallTimeToInstant("2026-07-01T12:00:00", "Australia/Lord_Howe")?.offsetMinutes).toBe(630);
  });

  it("rejects text that is not a wall time, impossible dates and unknown zones", () => {
    expect(zonedWallTimeToInstant("", "UTC")).toBeNull();
    expect(zonedWallTimeToInstant("2026-11-26 14:52", "UTC")).toBeNull();
    expect(zonedWallTimeToInstant("2026-11-26T14:52:00Z", "UTC")).toBeNull();
    expect(zonedWallTimeToInstant("2026-02-30T10:00:00", "UTC")).toBeNull();
    expect(zonedWallTimeToInstant("2026-11-26T24:00:00", "UTC")).toBeNull();
    expect(zonedWallTimeToInstant("2026-11-26T10:00:00", "Mars/Olympus_Mons")).toBeNull();
  });
});

describe("instantToZonedWallTime and round trips", () => {
  it("shows an instant on the zone's clock, to the second", () => {
    expect(instantToZonedWallTime(utc("2026-07-15T08:00:00.999Z"), "Europe/Berlin")).toBe(
      "2026-07-15T10:00:00",
    );
    expect(instantToZonedWallTime(utc("2026-01-01T07:30:00Z"), "America/Los_Angeles")).toBe(
      "2025-12-31T23:30:00",
    );
  });

  it("round-trips through a year, and every 10 minutes around the changes, in several zones", () => {
    const roundTrip = (ms: number, zone: string) => {
      const wall = instantToZonedWallTime(ms, zone);
      const back = zonedWallTimeToInstant(wall, zone)!;
      // An instant in a repeated hour comes back as the earlier one or, explicitly, as laterMs.
      if (back.ms !== ms) expect(back.laterMs, `${zone} ${wall}`).toBe(ms);
    };
    for (const zone of ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]) {
      // 97 minutes: a stride that visits every minute-of-hour and hour-of-day over the year.
      for (let ms = utc("2026-01-01T00:00:00Z"); ms < utc("2027-01-01T00:00:00Z"); ms += 97 * 60_000)
        roundTrip(ms, zone);
    }
    const changes: [string, string][] = [
      ["Europe/Berlin", "2026-03-29T01:00:00Z"],
      ["Europe/Berlin", "2026-10-25T01:00:00Z"],
      ["America/New_York", "2026-03-08T07:00:00Z"],
      ["America/New_York", "2026-11-01T06:00:00Z"],
      ["Australia/Sydney", "2026-04-04T16:00:00Z"],
      ["Australia/Sydney", "2026-10-03T16:00:00Z"],
    ];
    for (const [zone, at] of changes) {
      for (let ms = utc(at) - 3 * 3_600_000; ms <= utc(at) + 3 * 3_600_000; ms += 10 * 60_000)
        roundTrip(ms, zone);
    }
  });
});

describe("offsets and formats", () => {
  it("measures offsets east positive", () => {
    expect(zoneOffsetMs(utc("2026-07-01T00:00:00Z"), "Europe/Berlin")).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(utc("2026-07-01T00:00:00Z"), "America/Los_Angeles")).toBe(-7 * 3_600_000);
    expect(formatOffset(330)).toBe("+05:30");
    expect(formatOffset(-240)).toBe("-04:00");
    expect(formatOffset(0)).toBe("+00:00");
  });

  it("formats the instant for the API with Z and no made-up milliseconds", () => {
    expect(toUtcIso(utc("2026-11-26T14:52:07Z"))).toBe("2026-11-26T14:52:07Z");
    expect(toUtcIso(utc("2026-11-26T14:52:07.250Z"))).toBe("2026-11-26T14:52:07.250Z");
  });

  it("formats an instant in a zone with its offset", () => {
    expect(formatInZone(utc("2026-03-29T01:30:00Z"), "Europe/Berlin")).toBe(
      "2026-03-29 03:30:00 (UTC+02:00)",
    );
    expect(formatInZone(utc("2026-03-29T01:30:00Z"), "UTC")).toBe("2026-03-29 01:30:00 (UTC+00:00)");
  });

  it("rounds window ends inwards to whole seconds", () => {
    const earliest = utc("2026-11-26T14:52:07.400Z");
    expect(wallTimeCeil(earliest, "UTC")).toBe("2026-11-26T14:52:08");
    expect(wallTimeFloor(earliest, "UTC")).toBe("2026-11-26T14:52:07");
    expect(wallTimeCeil(utc("2026-11-26T14:52:07Z"), "Europe/Berlin")).toBe("2026-11-26T15:52:07");
  });

  it("lists UTC first and knows the common zones", () => {
    const zones = allTimeZones();
    expect(zones[0]).toBe("UTC");
    expect(zones.filter((zone) => zone === "UTC")).toHaveLength(1);
    expect(zones).toContain("Europe/Berlin");
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("Nowhere/Special")).toBe(false);
  });
});
