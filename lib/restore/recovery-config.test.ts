import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  confValue,
  isolationCommands,
  neutraliseConf,
  parseLibraryList,
  preloadSettings,
  recoverySettings,
  renderSettings,
  restoreCommand,
  settingLine,
  targetSettings,
} from "./recovery-config";

describe("restoreCommand", () => {
  it("quotes the archive folder for the shell and doubles a literal %", () => {
    expect(restoreCommand("/srv/walden/archive/demo")).toBe(`cp '/srv/walden/archive/demo'/"%f" "%p"`);
    expect(restoreCommand("/tmp/it's 100%")).toBe(`cp '/tmp/it'\\''s 100%%'/"%f" "%p"`);
  });
  it("refuses a relative folder or one with a line break", () => {
    expect(() => restoreCommand("archive")).toThrow(/absolute/);
    expect(() => restoreCommand("/tmp/a\nb")).toThrow(/line breaks/);
  });
});

describe("targetSettings", () => {
  it("writes a time with an explicit offset, never a bare local time", () => {
    expect(targetSettings({ type: "time", value: "2026-11-26T14:52:00.000Z", inclusive: false })).toEqual({
      recovery_target_time: "2026-11-26 14:52:00.000+00",
      recovery_target_inclusive: false,
    });
  });
  it("maps each target type to its setting", () => {
    expect(targetSettings({ type: "xid", value: "745", inclusive: false })).toEqual({
      recovery_target_xid: "745",
      recovery_target_inclusive: false,
    });
    expect(targetSettings({ type: "lsn", value: "0/5000100", inclusive: true })).toMatchObject({
      recovery_target_lsn: "0/5000100",
    });
    expect(targetSettings({ type: "name", value: "before upgrade" })).toEqual({
      recovery_target_name: "before upgrade",
    });
    expect(targetSettings({ type: "immediate" })).toEqual({ recovery_target: "immediate" });
    expect(targetSettings({ type: "latest" })).toEqual({});
  });
});

describe("recoverySettings", () => {
  const input = {
    archiveDir: "/srv/archive",
    target: { type: "time" as const, value: "2026-11-26T14:52:00.000Z", inclusive: true },
    action: "pause" as const,
    timeline: "1",
    port: 27001,
    socketDir: "/srv/walden/restores/x/run",
    clusterName: "walden-restore-1234abcd",
  };
  it("never lets the copy archive into the source's archive or follow its primary", () => {
    const settings = recoverySettings(input);
    expect(settings).toMatchObject({
      archive_mode: "off",
      archive_command: "",
      primary_conninfo: "",
      listen_addresses: "127.0.0.1",
    });
    expect(settings.recovery_target_action).toBe("pause");
  });
  it("switches off the source's hooks, its subscriptions' workers and job schedulers", () => {
    const settings = recoverySettings(input);
    expect(settings).toMatchObject({
      archive_cleanup_command: "",
      recovery_end_command: "",
      max_logical_replication_workers: 0,
      "timescaledb.max_background_workers": 0,
    });
    // Appended last, after ALTER SYSTEM's lines: the rendered hooks are empty strings that win.
    const rendered = renderSettings("t", settings);
    expect(rendered).toContain("archive_cleanup_command = ''\nrecovery_end_command = ''");
  });
  it("sets no target action for latest (recovery ends at the end of the archive)", () => {
    expect(recoverySettings({ ...input, target: { type: "latest" } })).not.toHaveProperty(
      "recovery_target_action",
    );
  });
  it("renders postgresql.conf syntax with quotes doubled", () => {
    expect(settingLine("recovery_target_name", "it's")).toBe("recovery_target_name = 'it''s'");
    expect(settingLine("port", 27001)).toBe("port = 27001");
    expect(renderSettings("t", { port: 1, hot_standby: "on" })).toBe("\n# t\nport = 1\nhot_standby = 'on'\n");
  });
});

describe("an isolated copy's configuration files", () => {
  it("reads quoted and bare values", () => {
    expect(confValue(" '/etc/x.conf'  # comment")).toBe("/etc/x.conf");
    expect(confValue("'it''s \\'q\\''")).toBe("it's 'q'");
    expect(confValue("conf.d # trailing")).toBe("conf.d");
  });

  it("comments out the source's file settings and includes that leave the copy, keeping the rest", () => {
    const source = [
      "data_directory = '/var/lib/postgresql/15/main'",
      "hba_file='/etc/postgresql/15/main/pg_hba.conf'",
      "  ident_file '/etc/postgresql/15/main/pg_ident.conf'",
      "include_dir 'conf.d'",
      "include '/etc/postgresql/15/main/extra.conf'",
      "include_if_exists = '../../outside.conf'",
      "include 'tuning.conf'",
      "# include '/etc/commented.conf'",
      "shared_buffers = 128MB",
      "",
    ].join("\n");
    const { text, commented } = neutraliseConf(source, "/r/data", "/r");
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "# Walden (restored copy): names a file of the source's host: data_directory = '/var/lib/postgresql/15/main'",
    );
    expect(lines[1]).toMatch(/^# Walden .*hba_file=/);
    expect(lines[2]).toMatch(/^# Walden .*ident_file /);
    expect(lines[3]).toBe("include_dir 'conf.d'");
    expect(lines[4]).toMatch(/^# Walden \(restored copy\): reads a file outside this copy: include '\/etc/);
    expect(lines[5]).toMatch(/^# Walden .*outside\.conf/);
    expect(lines.slice(6)).toEqual([
      "include 'tuning.conf'",
      "# include '/etc/commented.conf'",
      "shared_buffers = 128MB",
      "",
    ]);
    expect(commented).toHaveLength(5);
  });

  it("drops only job-running libraries from shared_preload_libraries", () => {
    expect(parseLibraryList(' pg_stat_statements , "pg_cron",auto_explain ')).toEqual([
      "pg_stat_statements",
      "pg_cron",
      "auto_explain",
    ]);
    expect(preloadSettings("pg_stat_statements,pg_cron,$libdir/pglogical.so,timescaledb")).toEqual({
      settings: { shared_preload_libraries: "pg_stat_statements,timescaledb" },
      dropped: ["pg_cron", "$libdir/pglogical.so"],
    });
    expect(preloadSettings("pg_cron")).toEqual({
      settings: { shared_preload_libraries: "" },
      dropped: ["pg_cron"],
    });
    expect(preloadSettings("pg_stat_statements")).toEqual({ settings: {}, dropped: [] });
    expect(preloadSettings("")).toEqual({ settings: {}, dropped: [] });
  });
});

describe("isolationCommands (the runbook's shell)", () => {
  it("copies a linked config file, comments out what leaves the copy and drops pg_cron from the preload", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "walden-isolation-"));
    try {
      const data = path.join(tmp, "data dir");
      fs.mkdirSync(data);
      const outside = path.join(tmp, "source-auto.conf");
      fs.writeFileSync(outside, "archive_cleanup_command = 'rm -f /archive/*'\n");
      fs.symlinkSync(outside, path.join(data, "postgresql.auto.conf"));
      fs.writeFileSync(
        path.join(data, "postgresql.conf"),
        [
          "data_directory = '/var/lib/postgresql/15/main'",
          "hba_file='/etc/postgresql/15/main/pg_hba.conf'",
          "include '/etc/postgresql/15/main/extra.conf'",
          "include_if_exists = '../outside.conf'",
          "include_dir 'conf.d'",
          "shared_buffers = 128MB",
          "",
        ].join("\n"),
      );
      // Stands in for `postgres -C shared_preload_libraries`.
      const fakePostgres = path.join(tmp, "postgres");
      fs.writeFileSync(fakePostgres, "#!/bin/sh\necho 'pg_stat_statements, \"pg_cron\",auto_explain'\n", {
        mode: 0o755,
      });
      execFileSync("bash", ["-euc", isolationCommands(data, `'${fakePostgres}'`).join("\n")]);

      expect(fs.readFileSync(outside, "utf8")).toBe("archive_cleanup_command = 'rm -f /archive/*'\n");
      expect(fs.lstatSync(path.join(data, "postgresql.auto.conf")).isSymbolicLink()).toBe(false);
      expect(fs.readFileSync(path.join(data, "postgresql.auto.conf"), "utf8")).toBe(
        "archive_cleanup_command = 'rm -f /archive/*'\n\n" +
          "# Libraries that run jobs on their own stay unloaded in a copy\n" +
          "shared_preload_libraries = 'pg_stat_statements,auto_explain'\n",
      );
      const prefix = "# Walden (restored copy), reaches outside this copy: ";
      expect(fs.readFileSync(path.join(data, "postgresql.conf"), "utf8").split("\n")).toEqual([
        `${prefix}data_directory = '/var/lib/postgresql/15/main'`,
        `${prefix}hba_file='/etc/postgresql/15/main/pg_hba.conf'`,
        `${prefix}include '/etc/postgresql/15/main/extra.conf'`,
        `${prefix}include_if_exists = '../outside.conf'`,
        "include_dir 'conf.d'",
        "shared_buffers = 128MB",
        "",
      ]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
