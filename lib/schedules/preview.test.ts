import { describe, expect, it } from "vitest";
import { describeSchedule, isoInZone } from "@/lib/schedules/preview";

const at = (iso: string) => new Date(iso);

describe("describeSchedule", () => {
  it("reads a nightly UTC schedule and lists its next three firings with an offset", () => {
    const preview = describeSchedule(
      "0 2 * * *",
      "UTC",
      at("2026-11-26T10:00:00Z"),
      at("2026-11-26T02:00:20Z"),
    );
    expect(preview).toEqual({
      text: "At 02:00 (UTC)",
      summary: "At 02:00 (UTC) — next 2026-11-27 02:00",
      next: ["2026-11-27T02:00:00+00:00", "2026-11-28T02:00:00+00:00", "2026-11-29T02:00:00+00:00"],
      previousExpected: "2026-11-26T02:00:00+00:00",
      missed: false,
      overlapped: false,
    });
  });

  it("says which days, and shows local times in the schedule's zone", () => {
    const preview = describeSchedule("30 1 * * 1-5", "America/New_York", at("2026-11-27T12:00:00Z"), null);
    expect(preview.text).toBe("At 01:30, Monday through Friday (America/New_York)");
    // Friday 27th has passed; the weekend is skipped.
    expect(preview.next).toEqual([
      "2026-11-30T01:30:00-05:00",
      "2026-12-01T01:30:00-05:00",
      "2026-12-02T01:30:00-05:00",
    ]);
    expect(preview.summary).toBe(
      "At 01:30, Monday through Friday (America/New_York) — next 2026-11-30 01:30",
    );
  });

  it("keeps local time across the spring DST change in Europe/Paris (the offset moves, 03:00 stays 03:00)", () => {
    const preview = describeSchedule("0 3 * * *", "Europe/Paris", at("2026-03-27T12:00:00Z"), null);
    expect(preview.next).toEqual([
      "2026-03-28T03:00:00+01:00",
      "2026-03-29T03:00:00+02:00",
      "2026-03-30T03:00:00+02:00",
    ]);
    // 23 hours apart in real time on the night the clocks go forward.
    const [first, second] = preview.next.map((iso) => Date.parse(iso));
    expect(second! - first!).toBe(23 * 3_600_000);
  });

  it("does not lose a firing that falls in the hour skipped by the spring change", () => {
    // 02:30 does not exist in Paris on 2026-03-29; cron-parser (and so pg-boss) fires an hour later.
    const preview = describeSchedule("30 2 * * *", "Europe/Paris", at("2026-03-27T12:00:00Z"), null);
    expect(preview.next).toEqual([
      "2026-03-28T02:30:00+01:00",
      "2026-03-29T03:30:00+02:00",
      "2026-03-30T02:30:00+02:00",
    ]);
  });

  it("fires once in the hour repeated by the autumn change", () => {
    const preview = describeSchedule("30 2 * * *", "Europe/Paris", at("2026-10-24T12:00:00Z"), null);
    expect(preview.next).toEqual([
      "2026-10-25T02:30:00+02:00",
      "2026-10-26T02:30:00+01:00",
      "2026-10-27T02:30:00+01:00",
    ]);
  });

  describe("missed", () => {
    const cron = "0 2 * * *";
    const created = at("2026-11-01T00:00:00Z");

    it("is true when the expected firing is more than 10 minutes old and the last run is older", () => {
      const preview = describeSchedule(cron, "UTC", at("2026-11-26T02:11:00Z"), at("2026-11-25T02:00:30Z"), {
        activeSince: created,
      });
      expect(preview.previousExpected).toBe("2026-11-26T02:00:00+00:00");
      expect(preview.missed).toBe(true);
    });

    it("is true when the schedule has never run", () => {
      expect(
        describeSchedule(cron, "UTC", at("2026-11-26T08:00:00Z"), null, { activeSince: created }).missed,
      ).toBe(true);
    });

    it("waits 10 minutes before calling a firing missed (pg-boss fires within a minute)", () => {
      const preview = describeSchedule(cron, "UTC", at("2026-11-26T02:09:00Z"), at("2026-11-25T02:00:30Z"), {
        activeSince: created,
      });
      expect(preview.missed).toBe(false);
    });

    it("is false once the firing ran", () => {
      const preview = describeSchedule(cron, "UTC", at("2026-11-26T08:00:00Z"), at("2026-11-26T02:00:40Z"), {
        activeSince: created,
      });
      expect(preview.missed).toBe(false);
    });

    it("counts a run a few seconds early by the worker's clock as that firing", () => {
      const preview = describeSchedule(cron, "UTC", at("2026-11-26T08:00:00Z"), at("2026-11-26T01:59:57Z"), {
        activeSince: created,
      });
      expect(preview.missed).toBe(false);
    });

    it("is false when the schedule did not exist (or did not look like this) at the expected time", () => {
      const preview = describeSchedule(cron, "UTC", at("2026-11-26T08:00:00Z"), null, {
        activeSince: at("2026-11-26T07:00:00Z"),
      });
      expect(preview.missed).toBe(false);
    });

    it("reads the expected firing in the schedule's zone", () => {
      // 02:00 in Tokyo is 17:00 UTC the day before.
      const preview = describeSchedule(
        cron,
        "Asia/Tokyo",
        at("2026-11-26T17:30:00Z"),
        at("2026-11-25T17:00:10Z"),
        {
          activeSince: created,
        },
      );
      expect(preview.previousExpected).toBe("2026-11-27T02:00:00+09:00");
      expect(preview.missed).toBe(true);
    });
  });

  it("marks the last firing as overlapped when it was skipped", () => {
    const preview = describeSchedule(
      "0 2 * * *",
      "UTC",
      at("2026-11-26T10:00:00Z"),
      at("2026-11-26T02:00:20Z"),
      {
        lastOutcome: "skipped: the previous run (abc) was still running",
      },
    );
    expect(preview.overlapped).toBe(true);
    expect(
      describeSchedule("0 2 * * *", "UTC", at("2026-11-26T10:00:00Z"), null, { lastOutcome: "started abc" })
        .overlapped,
    ).toBe(false);
  });

  it("has no next or expected firing while paused, so it is never missed", () => {
    const preview = describeSchedule("0 2 * * *", "UTC", at("2026-11-26T10:00:00Z"), null, {
      enabled: false,
    });
    expect(preview).toMatchObject({
      summary: "At 02:00 (UTC) — paused",
      next: [],
      previousExpected: null,
      missed: false,
    });
  });
});

it("still renders a row whose zone cannot be used (hand-edited catalog)", () => {
  const preview = describeSchedule("0 2 * * *", "Mars/Olympus", at("2026-11-26T10:00:00Z"), null);
  expect(preview).toMatchObject({ text: "At 02:00 (Mars/Olympus)", next: [], missed: false });
  expect(preview.summary).toMatch(/cannot compute its firings/);
});

describe("isoInZone", () => {
  it("writes local time with the zone's offset", () => {
    expect(isoInZone(at("2026-07-01T00:00:00Z"), "Europe/Paris")).toBe("2026-07-01T02:00:00+02:00");
    expect(isoInZone(at("2026-07-01T00:00:00Z"), "Asia/Kolkata")).toBe("2026-07-01T05:30:00+05:30");
    expect(isoInZone(at("2026-07-01T00:00:00Z"), "UTC")).toBe("2026-07-01T00:00:00+00:00");
  });
});
