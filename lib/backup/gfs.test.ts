import { describe, expect, it } from "vitest";
import { keptByTiers, NO_TIERS } from "@/lib/backup/gfs";

const at = (id: string, iso: string) => ({ id, finishedAt: new Date(iso) });
const kept = (map: Map<string, string[]>) => Object.fromEntries(map);

describe("keptByTiers", () => {
  it("keeps nothing when every tier is off", () => {
    expect(kept(keptByTiers([at("a", "2026-12-01T02:00:00Z")], NO_TIERS))).toEqual({});
  });

  it("keeps the newest backup of a day when there are several, in any input order", () => {
    const backups = [
      at("d1-early", "2026-12-01T02:00:00Z"),
      at("d2-late", "2026-12-02T20:00:00Z"),
      at("d1-late", "2026-12-01T23:59:59Z"),
      at("d2-early", "2026-12-02T01:00:00Z"),
      at("d2-noon", "2026-12-02T12:00:00Z"),
    ];
    expect(kept(keptByTiers(backups, { ...NO_TIERS, keepDaily: 5 }))).toEqual({
      "d2-late": ["daily 2026-12-02"],
      "d1-late": ["daily 2026-12-01"],
    });
  });

  it("counts only days that have a backup: a gap does not use up a slot", () => {
    const backups = [
      at("dec1", "2026-12-01T02:00:00Z"),
      at("nov28", "2026-11-28T02:00:00Z"),
      at("nov20", "2026-11-20T02:00:00Z"),
      at("nov19", "2026-11-19T02:00:00Z"),
    ];
    expect(kept(keptByTiers(backups, { ...NO_TIERS, keepDaily: 3 }))).toEqual({
      dec1: ["daily 2026-12-01"],
      nov28: ["daily 2026-11-28"],
      nov20: ["daily 2026-11-20"],
    });
  });

  it("splits months and years at their boundaries", () => {
    const backups = [
      at("jan1", "2026-01-01T00:00:01Z"),
      at("dec31", "2025-12-31T23:59:59Z"),
      at("nov30", "2025-11-30T23:59:59Z"),
      at("nov1", "2025-11-01T00:00:00Z"),
      at("oct31", "2025-10-31T23:00:00Z"),
      at("old", "2023-06-15T00:00:00Z"),
    ];
    expect(kept(keptByTiers(backups, { ...NO_TIERS, keepMonthly: 4, keepYearly: 3 }))).toEqual({
      jan1: ["monthly 2026-01", "yearly 2026"],
      dec31: ["monthly 2025-12", "yearly 2025"],
      nov30: ["monthly 2025-11"],
      oct31: ["monthly 2025-10"],
      old: ["yearly 2023"],
    });
  });

  it("names ISO weeks, week 53 included, by the year of their Thursday", () => {
    const backups = [
      at("mon-2027-w01", "2027-01-04T02:00:00Z"),
      at("sun-2027-01-03", "2027-01-03T02:00:00Z"),
      at("thu-2026-12-31", "2026-12-31T02:00:00Z"),
      at("mon-2026-12-28", "2026-12-28T02:00:00Z"),
      at("sun-2026-12-27", "2026-12-27T02:00:00Z"),
      at("mon-2024-12-30", "2024-12-30T02:00:00Z"),
      at("fri-2021-01-01", "2021-01-01T02:00:00Z"),
    ];
    expect(kept(keptByTiers(backups, { ...NO_TIERS, keepWeekly: 10 }))).toEqual({
      "mon-2027-w01": ["weekly 2027-W01"],
      // 2026 starts on a Thursday: it has 53 weeks, the last one ending on Sunday 3 January 2027.
      "sun-2027-01-03": ["weekly 2026-W53"],
      "sun-2026-12-27": ["weekly 2026-W52"],
      "mon-2024-12-30": ["weekly 2025-W01"],
      "fri-2021-01-01": ["weekly 2020-W53"],
    });
  });

  it("reads days, weeks, months and years on the calendar of the time zone given", () => {
    // 23:30 UTC on Sunday 31 May is already 01:30 on Monday 1 June in Paris (summer time).
    const backups = [at("late", "2026-05-31T23:30:00Z"), at("earlier", "2026-05-31T12:00:00Z")];
    const tiers = { keepDaily: 2, keepWeekly: 2, keepMonthly: 2, keepYearly: 1 };
    expect(kept(keptByTiers(backups, tiers, "UTC"))).toEqual({
      late: ["daily 2026-05-31", "weekly 2026-W22", "monthly 2026-05", "yearly 2026"],
    });
    expect(kept(keptByTiers(backups, tiers, "Europe/Paris"))).toEqual({
      late: ["daily 2026-06-01", "weekly 2026-W23", "monthly 2026-06", "yearly 2026"],
      earlier: ["daily 2026-05-31", "weekly 2026-W22", "monthly 2026-05"],
    });
    // And New Year's Eve in UTC is New Year's Day in Auckland.
    expect(
      kept(
        keptByTiers([at("nye", "2026-12-31T12:00:00Z")], { ...NO_TIERS, keepYearly: 1 }, "Pacific/Auckland"),
      ),
    ).toEqual({
      nye: ["yearly 2027"],
    });
  });

  it("keeps each tier to its count, newest periods first", () => {
    const daily = Array.from({ length: 40 }, (_, index) =>
      at(`day${index}`, new Date(Date.UTC(2026, 10, 30 - index, 3)).toISOString()),
    );
    const result = keptByTiers(daily, { keepDaily: 7, keepWeekly: 4, keepMonthly: 2, keepYearly: 0 });
    const byTier = (label: string) =>
      [...result.values()].flat().filter((period) => period.startsWith(label));
    expect(byTier("daily")).toEqual([
      "daily 2026-11-30",
      "daily 2026-11-29",
      "daily 2026-11-28",
      "daily 2026-11-27",
      "daily 2026-11-26",
      "daily 2026-11-25",
      "daily 2026-11-24",
    ]);
    expect(byTier("weekly")).toEqual([
      "weekly 2026-W49",
      "weekly 2026-W48",
      "weekly 2026-W47",
      "weekly 2026-W46",
    ]);
    expect(byTier("monthly")).toEqual(["monthly 2026-11", "monthly 2026-10"]);
    // The newest of October is its last day, the 31st (index 30).
    expect(result.get("day30")).toEqual(["monthly 2026-10"]);
  });
});
