import { describe, expect, it } from "vitest";
import {
  commandWritesTo,
  evaluateConfig,
  firstReplicationRule,
  type ConfigExpectations,
  type ConfigFacts,
  type HbaRule,
} from "@/lib/clusters/config-check";
import type { ConfigCheckId } from "@/lib/schemas/config-check";
import { buildArchiveCommand } from "@/lib/tools/archive-command";

const ARCHIVE = "/var/lib/walden/archive/main";

const hbaRule = (overrides: Partial<HbaRule> = {}): HbaRule => ({
  line_number: 3,
  type: "host",
  database: ["replication"],
  user_name: ["all"],
  address: "127.0.0.1",
  netmask: "255.255.255.255",
  auth_method: "scram-sha-256",
  error: null,
  ...overrides,
});

/** A node configured as Walden wants it. */
const healthy = (): ConfigFacts => ({
  serverRole: "primary",
  currentUser: "walden",
  privileges: { superuser: false, replication: true, pgMonitor: true },
  settings: {
    wal_level: "replica",
    archive_mode: "on",
    archive_command: buildArchiveCommand(ARCHIVE),
    archive_library: "",
    archive_timeout: "60",
    max_wal_senders: "10",
  },
  hba: [hbaRule({ database: ["all"], line_number: 2 }), hbaRule()],
  clientAddress: "127.0.0.1",
});

const expectations: ConfigExpectations = {
  archiveMode: "archive_command",
  archivePath: ARCHIVE,
  rpoTargetSeconds: 3600,
  standbyCount: 2,
};

const check = (facts: ConfigFacts, id: ConfigCheckId, expect = expectations) => {
  const found = evaluateConfig(facts, expect).find((item) => item.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};
const withSettings = (settings: ConfigFacts["settings"]): ConfigFacts => {
  const facts = healthy();
  return { ...facts, settings: { ...facts.settings, ...settings } };
};

describe("evaluateConfig", () => {
  it("passes every check on a node configured as Walden needs", () => {
    const checks = evaluateConfig(healthy(), expectations);
    expect(checks.map((item) => [item.id, item.status, item.fix])).toEqual(
      [
        "wal_level",
        "archive_mode",
        "archive_command",
        "archive_timeout",
        "max_wal_senders",
        "pg_hba_replication",
        "role_privileges",
      ].map((id) => [id, "ok", null]),
    );
  });

  it("wal_level minimal fails with ALTER SYSTEM and a restart", () => {
    const result = check(withSettings({ wal_level: "minimal" }), "wal_level");
    expect(result.status).toBe("fail");
    expect(result.found).toBe("minimal");
    expect(result.fix).toMatch(/^ALTER SYSTEM SET wal_level = 'replica';\n-- restart needed/);
    expect(check(withSettings({ wal_level: "logical" }), "wal_level").status).toBe("ok");
  });

  it("archive_mode off fails, but is not needed when WAL is streamed", () => {
    const result = check(withSettings({ archive_mode: "off" }), "archive_mode");
    expect(result.status).toBe("fail");
    expect(result.fix).toMatch(/^ALTER SYSTEM SET archive_mode = 'on';\n-- restart needed/);
    expect(check(withSettings({ archive_mode: "always" }), "archive_mode").status).toBe("ok");
    const stream = { ...expectations, archiveMode: "stream" as const };
    expect(check(withSettings({ archive_mode: "off" }), "archive_mode", stream).status).toBe("ok");
  });

  it("archive_command must write where Walden reads, else the fix is Walden's own command", () => {
    const elsewhere = check(withSettings({ archive_command: "cp %p /mnt/other/%f" }), "archive_command");
    expect(elsewhere.status).toBe("fail");
    expect(elsewhere.fix).toBe(
      `ALTER SYSTEM SET archive_command = '${buildArchiveCommand(ARCHIVE).replaceAll("'", "''")}';\nSELECT pg_reload_conf();`,
    );
    // A sibling folder whose name starts the same is not the archive.
    expect(check(withSettings({ archive_command: `cp %p ${ARCHIVE}2/%f` }), "archive_command").status).toBe(
      "fail",
    );
    expect(check(withSettings({ archive_command: `cp %p ${ARCHIVE}/%f` }), "archive_command").status).toBe(
      "ok",
    );
    expect(check(withSettings({ archive_command: "" }), "archive_command").found).toMatch(/empty/);
  });

  it("archive_command unreadable or replaced by archive_library", () => {
    const hidden = check(withSettings({ archive_command: undefined }), "archive_command");
    expect(hidden.status).toBe("warn");
    expect(hidden.fix).toBe(`GRANT pg_read_all_settings TO "walden";`);
    const disabled = check(withSettings({ archive_command: "(disabled)" }), "archive_command");
    expect(disabled.status).toBe("warn");
    expect(disabled.found).toMatch(/archive_mode is off/);
    expect(disabled.fix).toMatch(/^ALTER SYSTEM SET archive_command = /);
    const library = check(withSettings({ archive_library: "basic_archive" }), "archive_command");
    expect(library.status).toBe("fail");
    expect(library.fix).toMatch(/^ALTER SYSTEM RESET archive_library;\nALTER SYSTEM SET archive_command/);
  });

  it("archive_timeout is held against the RPO target", () => {
    const off = check(withSettings({ archive_timeout: "0" }), "archive_timeout");
    expect(off.status).toBe("warn");
    expect(off.fix).toBe("ALTER SYSTEM SET archive_timeout = '60s';\nSELECT pg_reload_conf();");
    const long = check(withSettings({ archive_timeout: "7200" }), "archive_timeout");
    expect(long.status).toBe("fail");
    expect(long.found).toMatch(/^2 h/);
    expect(long.expected).toMatch(/RPO target \(1 h\)/);
    expect(check(withSettings({ archive_timeout: "3600" }), "archive_timeout").status).toBe("ok");
  });

  it("max_wal_senders counts the standbys and a base backup", () => {
    const none = check(withSettings({ max_wal_senders: "0" }), "max_wal_senders");
    expect(none.status).toBe("fail");
    expect(none.fix).toMatch(/^ALTER SYSTEM SET max_wal_senders = 10;\n-- restart needed/);
    expect(check(withSettings({ max_wal_senders: "3" }), "max_wal_senders").status).toBe("warn");
    expect(check(withSettings({ max_wal_senders: "4" }), "max_wal_senders").status).toBe("ok");
  });

  it("pg_hba: a replication rule for the role from Walden's address, or the line to add", () => {
    const none = check({ ...healthy(), hba: [hbaRule({ database: ["all"] })] }, "pg_hba_replication");
    expect(none.status).toBe("fail");
    expect(none.fix).toContain("host replication walden 127.0.0.1/32 scram-sha-256");
    expect(none.fix).toContain("SELECT pg_reload_conf();");
    const quoted = check({ ...healthy(), currentUser: "Backup User", hba: [] }, "pg_hba_replication");
    expect(quoted.fix).toContain('host replication "Backup User" 127.0.0.1/32 scram-sha-256');
    const rejected = { ...healthy(), hba: [hbaRule({ auth_method: "reject" }), hbaRule({ line_number: 9 })] };
    expect(check(rejected, "pg_hba_replication").status).toBe("fail");
    const unreadable = check({ ...healthy(), hba: null }, "pg_hba_replication");
    expect(unreadable.status).toBe("warn");
    expect(unreadable.found).toMatch(/not readable/);
  });

  it("firstReplicationRule matches the address and user", () => {
    const otherNet = hbaRule({ address: "10.0.0.0", netmask: "255.0.0.0" });
    expect(firstReplicationRule([otherNet], "walden", "127.0.0.1")).toBeNull();
    expect(firstReplicationRule([otherNet], "walden", "10.2.3.4")).toBe(otherNet);
    const otherUser = hbaRule({ user_name: ["backup"] });
    expect(firstReplicationRule([otherUser], "walden", "127.0.0.1")).toBeNull();
    const v6 = hbaRule({ address: "::1", netmask: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" });
    expect(firstReplicationRule([v6], "walden", "::1")).toBe(v6);
    expect(firstReplicationRule([v6], "walden", "127.0.0.1")).toBeNull();
  });

  it("role privileges: REPLICATION is required, pg_monitor advised", () => {
    const bare = { ...healthy(), privileges: { superuser: false, replication: false, pgMonitor: false } };
    const result = check(bare, "role_privileges");
    expect(result.status).toBe("fail");
    expect(result.fix).toBe(`ALTER ROLE "walden" REPLICATION;\nGRANT pg_monitor TO "walden";`);
    const noMonitor = { ...healthy(), privileges: { superuser: false, replication: true, pgMonitor: false } };
    expect(check(noMonitor, "role_privileges").status).toBe("warn");
    const superuser = { ...healthy(), privileges: { superuser: true, replication: false, pgMonitor: false } };
    expect(check(superuser, "role_privileges").status).toBe("ok");
  });
});

describe("commandWritesTo", () => {
  it("finds the folder as written, quoted or %-escaped", () => {
    expect(commandWritesTo(buildArchiveCommand("/a/50%/wal"), "/a/50%/wal")).toBe(true);
    expect(commandWritesTo("cp %p '/a/b'/%f", "/a/b/")).toBe(true);
    expect(commandWritesTo("cp %p /a/bc/%f", "/a/b")).toBe(false);
  });
});
