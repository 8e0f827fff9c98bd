import { describe, expect, it } from "vitest";
import {
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
