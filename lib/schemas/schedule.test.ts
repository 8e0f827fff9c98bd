import { describe, expect, it } from "vitest";
import { minimumSpacingMinutes, scheduleCreateSchema, scheduleInputSchema } from "@/lib/schemas/schedule";

const issues = (kind: "physical" | "logical", input: unknown) => {
  const result = scheduleInputSchema(kind).safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("scheduleInputSchema", () => {
  it("accepts a nightly physical schedule, fills the backup defaults and canonicalizes the zone", () => {
    expect(scheduleInputSchema("physical").parse({ cron: " 0  2 * * * ", timezone: "europe/paris" })).toEqual(
      {
        name: null,
        cron: "0 2 * * *",
        timezone: "Europe/Paris",
        enabled: true,
        options: { compression: "lz4", checkpoint: "fast" },
        backupFrom: "primary",
      },
    );
  });

  it("takes where a physical backup reads from: the primary, a named standby, or prefer-standby", () => {
    const base = { cron: "0 2 * * *", timezone: "UTC" };
    for (const backupFrom of ["primary", "prefer-standby", "standby:standby1"])
      expect(scheduleInputSchema("physical").parse({ ...base, backupFrom }).backupFrom).toBe(backupFrom);
    expect(issues("physical", { ...base, backupFrom: "standby:" })).toEqual([
      'backupFrom: must be "primary", "prefer-standby" or "standby:<node name>" (like standby:standby1)',
    ]);
    expect(issues("physical", { ...base, backupFrom: "replica" })).toHaveLength(1);
    expect(issues("logical", { ...base, backupFrom: "standby:standby1" })).toEqual([
      "backupFrom: a logical backup (pg_dump) reads the primary; backupFrom is for physical schedules",
    ]);
  });

  it("keeps logical options, checked as a backup request would be", () => {
    const parsed = scheduleInputSchema("logical").parse({
      cron: "30 1 * * 1-5",
      timezone: "UTC",
      enabled: false,
      options: { database: "app", format: "directory", jobs: 4, tables: ["sales.order_*"] },
    });
    expect(parsed.enabled).toBe(false);
    expect(parsed.options).toMatchObject({
      database: "app",
      format: "directory",
      jobs: 4,
      tables: ["sales.order_*"],
    });
    expect(parsed.options).not.toHaveProperty("clusterId");
    expect(parsed.options).not.toHaveProperty("kind");
  });

  it.each([
    ["a seconds field", "0 0 2 * * *", /cron: has a seconds field/],
    ["too few fields", "0 2 * *", /cron: use 5 fields/],
    ["a nickname", "@daily", /cron: use 5 fields/],
    [
      "an out-of-range minute",
      "61 * * * *",
      /cron: is not a valid cron expression: Constraint error, got value 61/,
    ],
    ["garbage", "every night please", /cron: use 5 fields/],
    ["an alias cron-parser does not know", "0 2 * * abc", /cron: is not a valid cron expression: .*abc/],
    ["a date that never comes", "0 0 30 2 *", /cron: is not a valid cron expression/],
    ["every minute", "* * * * *", /cron: fires 1 minute apart .* at most every 15 minutes/],
    ["every 5 minutes", "*/5 * * * *", /cron: fires 5 minutes apart .* at most every 15 minutes/],
    ["two firings 10 minutes apart in one hour", "0,10 2 * * *", /at most every 15 minutes/],
    ["two firings 10 minutes apart across an hour", "0,50 * * * *", /fires 10 minutes apart/],
    ["firings 5 minutes apart across midnight", "0,55 0,23 * * *", /fires 5 minutes apart/],
  ])("refuses %s", (_label, cron, message) => {
    expect(issues("physical", { cron, timezone: "UTC" }).join("\n")).toMatch(message);
  });

  it.each([
    ["every 15 minutes", "*/15 * * * *"],
    ["quarter to and on the hour", "0,45 * * * *"],
    ["every 2 hours", "0 */2 * * *"],
    ["weekdays at 02:00", "0 2 * * MON-FRI"],
    ["the last day of the month", "0 3 L * *"],
  ])("accepts %s", (_label, cron) => {
    expect(issues("physical", { cron, timezone: "UTC" })).toEqual([]);
  });

  it.each([
    ["a zone that does not exist", "Mars/Olympus"],
    ["an offset", "+05:00"],
    ["an abbreviation", "CEST"],
    ["an empty zone", ""],
  ])("refuses %s", (_label, timezone) => {
    expect(issues("physical", { cron: "0 2 * * *", timezone })).toEqual([
      expect.stringMatching(/^timezone: /),
    ]);
  });

  it("names the zone problem so a person can act on it", () => {
    expect(issues("physical", { cron: "0 2 * * *", timezone: "Mars/Olympus" })).toEqual([
      "timezone: is not a time zone this server knows; use an IANA name like UTC or Europe/Paris",
    ]);
  });

  it.each([
    ["a shell command as a table", { tables: ["x; rm -rf /"] }, "options.tables.0"],
    ["command substitution", { tables: ["$(id)"] }, "options.tables.0"],
    ["an option smuggled as a table", { excludeTables: ["--file=/etc/passwd"] }, "options.excludeTables.0"],
    ["a conninfo string as database", { database: "host=evil" }, "options.database"],
    ["an unknown option", { extraArgs: ["-f", "/etc/passwd"] }, "options"],
    ["parallel jobs with the custom format", { jobs: 4 }, "options.jobs"],
    [
      "a cluster id (it comes from the URL)",
      { clusterId: "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e" },
      "options.clusterId",
    ],
    ["a kind (it comes from the URL)", { kind: "physical" }, "options.kind"],
    ["options that are not an object", ["--all"], "options"],
  ])("refuses logical options with %s", (_label, options, path) => {
    const found = issues("logical", { cron: "0 2 * * *", timezone: "UTC", options });
    expect(found.map((issue) => issue.split(":")[0])).toContain(path);
  });

  it("refuses logical-only options on a physical schedule", () => {
    expect(
      issues("physical", { cron: "0 2 * * *", timezone: "UTC", options: { tables: ["orders"] } }),
    ).toEqual(['options: Unrecognized key: "tables"']);
  });

  it("refuses unknown top-level fields and a missing cron", () => {
    expect(issues("physical", { timezone: "UTC", every: "day" }).map((issue) => issue.split(":")[0])).toEqual(
      expect.arrayContaining(["cron", ""]),
    );
  });
});

describe("minimumSpacingMinutes", () => {
  it.each([
    ["0 2 * * *", 24 * 60],
    ["*/15 * * * *", 15],
    ["0,45 * * * *", 15],
    ["0,50 * * * *", 10],
    ["0 */6 * * *", 360],
    ["50 23 * * *", 24 * 60],
    ["50 0,23 * * *", 60],
    ["0,50 0,23 * * *", 10],
  ])("%s fires %i minutes apart at its closest", (cron, minutes) => {
    expect(minimumSpacingMinutes(cron)).toBe(minutes);
  });
});

describe("scheduleCreateSchema", () => {
  it("reads the kind from the body and checks the options against that kind", () => {
    const created = scheduleCreateSchema.parse({
      kind: "logical",
      name: " hourly orders ",
      cron: "15 * * * *",
      timezone: "UTC",
      options: { tables: ["public.orders"] },
    });
    expect(created).toMatchObject({
      kind: "logical",
      name: "hourly orders",
      options: { tables: ["public.orders"] },
    });
  });

  it("names the field at fault", () => {
    const paths = (body: unknown) => {
      const result = scheduleCreateSchema.safeParse(body);
      return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
    };
    expect(paths({ cron: "0 2 * * *", timezone: "UTC" })).toEqual(["kind"]);
    expect(paths({ kind: "physical", cron: "0 2 * * *", timezone: "UTC", name: "" })).toEqual(["name"]);
    expect(
      paths({ kind: "logical", cron: "0 2 * * *", timezone: "UTC", options: { tables: ["--file=x"] } }),
    ).toEqual(["options.tables.0"]);
  });
});
