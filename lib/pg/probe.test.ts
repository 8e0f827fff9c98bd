import { describe, expect, it } from "vitest";
import { describeConnectionError, toConnectionReport, type ProbeRow } from "@/lib/pg/probe";

const row: ProbeRow = {
  server_version: "15.18",
  server_version_num: 150018,
  in_recovery: false,
  current_user: "monitor",
  is_superuser: false,
  has_replication: false,
  has_pg_monitor: false,
};
const node = { host: "db1", port: 5432, user: "monitor", database: "app" };

describe("toConnectionReport", () => {
  it("names each missing privilege with the statement that grants it", () => {
    const report = toConnectionReport(row, "7312345678901234567");
    expect(report.role).toBe("primary");
    expect(report.privileges).toEqual({ superuser: false, replication: false, pgMonitor: false });
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings[0]).toContain('GRANT pg_monitor TO "monitor"');
    expect(report.warnings[1]).toContain('ALTER ROLE "monitor" REPLICATION');
  });

  it("is quiet when nothing is missing, and reports a standby", () => {
    const report = toConnectionReport(
      { ...row, in_recovery: true, has_pg_monitor: true, has_replication: true },
      "1",
    );
    expect(report.role).toBe("standby");
    expect(report.warnings).toEqual([]);
  });

  it("warns about versions older than 13 and a missing system identifier", () => {
    const report = toConnectionReport(
      { ...row, is_superuser: true, server_version: "12.1", server_version_num: 120001 },
      null,
    );
    expect(report.warnings).toEqual([
      expect.stringContaining("older than 13"),
      expect.stringContaining("system identifier"),
    ]);
  });
});

describe("describeConnectionError", () => {
  it.each([
    [{ code: "ECONNREFUSED" }, "upstream_unavailable", /connection refused/],
    [{ code: "ENOTFOUND" }, "upstream_unavailable", /resolve the host name "db1"/],
    [{ code: "28P01" }, "unprocessable_entity", /Password authentication failed for user "monitor"/],
    [{ code: "3D000" }, "unprocessable_entity", /Database "app" does not exist/],
    [{ message: "Connection terminated due to connection timeout" }, "upstream_unavailable", /Timed out/],
  ])("maps %j", (error, code, message) => {
    const mapped = describeConnectionError(error, node);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
  });
});
