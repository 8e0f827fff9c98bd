// Over 400 lines: one scenario per test on one shared backup fixture, several running the commands with bash.
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { recoverySettings, renderSettings, restoredHba } from "@/lib/restore/recovery-config";
import {
  buildRunbook,
  TARGET_TIME_PLACEHOLDER,
  type RunbookBackupFacts,
  type RunbookInput,
} from "@/lib/restore/runbook";
import { runbookScript } from "@/lib/restore/runbook-script";
import { translatorFor } from "@/lib/i18n/translator";

const backup: RunbookBackupFacts = {
  id: "0b7c1f2a-3d4e-4b2a-9d5e-5f0c7a4e6a43",
  label: "nightly",
  path: "/srv/walden/repo/demo/0b7c1f2a-3d4e-4b2a-9d5e-5f0c7a4e6a43",
  serverVersionNum: 160004,
  startLsn: "0/5000028",
  stopLsn: "0/5000100",
  timeline: 1,
  startWal: "000000010000000000000005",
  stopWal: "000000010000000000000005",
  finishedAt: new Date("2026-11-26T03:00:00Z"),
  sizeBytes: 31_234_567,
  compression: "lz4",
};

const files = ["SHA256SUMS", "backup_manifest", "base.tar.lz4", "pg_wal.tar", "walden.json"];

function build(overrides: Partial<RunbookInput> = {}) {
  return buildRunbook({ backup, files, clusterName: "demo", archivePath: "/srv/archive/demo", ...overrides });
}

function section(runbook: ReturnType<typeof build>, title: RegExp) {
  const found = runbook.sections.find((candidate) => title.test(candidate.title));
  if (!found) throw new Error(`no section ${title}`);
  return found;
}

const allCommands = (runbook: ReturnType<typeof build>) =>
  runbook.sections.flatMap((candidate) => candidate.commands).join("\n");

/** What a POSIX shell makes of one command line: its words, by asking bash itself. */
function shellWords(command: string): string[] {
  const out = execFileSync("bash", ["-c", `printf '%s\\0' ${command}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("buildRunbook", () => {
  it("has the eight steps in order, plus the manual choices at the end", () => {
    const runbook = build();
    expect(runbook.sections.map((candidate) => candidate.title)).toEqual([
      "Check the prerequisites",
      "Verify the backup's checksums",
      "Create the new data directory",
      "Unpack the base backup and its WAL",
      "Write the recovery settings and pg_hba.conf",
      "Ask for archive recovery",
      "Start the server and watch recovery",
      "Check the restored instance",
      "Promote, or start again with another target",
    ]);
    expect(runbook.sections.map((candidate) => Boolean(candidate.manual))).toEqual([
      ...Array(8).fill(false),
      true,
    ]);
    expect(runbook.title).toBe("Break-glass restore of backup “nightly” (0b7c1f2a) of demo");
  });

  it("heads every step with a key of backups.runbookSteps: the English words as the script's, Korean ones for the page", () => {
    const en = translatorFor("en");
    const ko = translatorFor("ko");
    const local = build();
    const offsite = build({
      offsite: {
        endpoint: "https://s3.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        bucket: "acme-backups",
        prefix: "walden",
        forcePathStyle: false,
        encrypted: false,
        clusterName: "demo",
      },
    });
    const encrypted = build({ encryptedTo: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p" });
    expect(offsite.sections[0]!.titleKey).toBe("offsite");
    expect(encrypted.sections[0]!.titleKey).toBe("decrypt");
    const sections = [...local.sections, offsite.sections[0]!, encrypted.sections[0]!];
    expect(new Set(sections.map(({ titleKey }) => titleKey)).size).toBe(11);
    for (const { titleKey, title } of sections) {
      expect(en(`backups.runbookSteps.${titleKey}`)).toBe(title);
      const korean = ko(`backups.runbookSteps.${titleKey}`);
      expect(korean, titleKey).not.toBe(title);
      expect(korean, titleKey).toMatch(/[가-힣]/);
    }
    const values = { id: "0b7c1f2a", cluster: "demo" };
    expect(en("backups.runbookSteps.titleLabelled", { ...values, label: "nightly" })).toBe(local.title);
    expect(en("backups.runbookSteps.title", values)).toBe(build({ backup: { ...backup, label: null } }).title);
    expect(ko("backups.runbookSteps.titleLabelled", { ...values, label: "nightly" })).toBe(
      "demo의 백업 “nightly” (0b7c1f2a) 비상 복원",
    );
  });

  it("defaults to a new data directory, port 5499 and this major's Debian binaries", () => {
    const runbook = build();
    expect(runbook.restore).toMatchObject({
      dataDir: "/var/lib/postgresql/restore-0b7c1f2a",
      port: 5499,
      logFile: "/var/lib/postgresql/restore-0b7c1f2a.log",
      binDir: "/usr/lib/postgresql/16/bin",
      action: "pause",
    });
    expect(section(runbook, /Create/).commands).toEqual([
      "install -d -m 0700 '/var/lib/postgresql/restore-0b7c1f2a'",
    ]);
    expect(allCommands(runbook)).toContain(
      "'/usr/lib/postgresql/16/bin/pg_ctl' -D '/var/lib/postgresql/restore-0b7c1f2a' -l '/var/lib/postgresql/restore-0b7c1f2a.log' -w -t 3600 start",
    );
    expect(section(runbook, /prerequisites/).commands.join("\n")).toContain(
      "grep -q '(PostgreSQL) 16[.a-z]'",
    );
  });

  it("writes exactly the settings and pg_hba.conf of Walden's own restore, in quoted heredocs", () => {
    const runbook = build({ target: { type: "latest" }, port: 26801, dataDir: "/restore/x" });
    const commands = section(runbook, /recovery settings/).commands;
    const expected = renderSettings(
      `Break-glass restore of backup ${backup.id} (written by hand from Walden's runbook)`,
      recoverySettings({
        archiveDir: "/srv/archive/demo",
        target: { type: "latest" },
        action: "pause",
        timeline: "latest",
        port: 26801,
        socketDir: "/restore/x",
        clusterName: "demo-breakglass",
      }),
    ).replace(/^\n/, "");
    const autoConf = commands.find((command) =>
      command.startsWith("cat >> '/restore/x/postgresql.auto.conf' <<'WALDEN_EOF'\n"),
    )!;
    expect(autoConf).toContain(expected);
    expect(autoConf).toMatch(/\nWALDEN_EOF$/);
    expect(commands).toContain(`cat > '/restore/x/pg_hba.conf' <<'WALDEN_EOF'\n${restoredHba()}WALDEN_EOF`);
    // Latest: no target and no action, so recovery replays everything and promotes.
    expect(autoConf).not.toMatch(/^recovery_target(_time|_lsn|_xid|_name|_action)? =/m);
    expect(autoConf).toContain("restore_command = 'cp ''/srv/archive/demo''/\"%f\" \"%p\"'");
    expect(section(runbook, /archive recovery/).commands).toEqual([
      "rm -f -- '/restore/x/standby.signal'",
      "touch '/restore/x/recovery.signal'",
    ]);
  });

  it("defaults to a recovery_target_time placeholder, with the other targets as comments", () => {
    const runbook = build();
    const autoConf = section(runbook, /recovery settings/).commands.join("\n");
    expect(autoConf).toContain(`recovery_target_time = '${TARGET_TIME_PLACEHOLDER}'`);
    expect(autoConf).toContain("recovery_target_inclusive = true");
    expect(autoConf).toContain("recovery_target_action = 'pause'");
    for (const line of [
      "# recovery_target_lsn = '0/5000100'",
      "# recovery_target_xid = '<transaction id>'",
      "# recovery_target_name = '<restore point name>'",
      "# recovery_target = 'immediate'",
      "# latest: delete every recovery_target* line",
    ])
      expect(autoConf).toContain(line);
    expect(runbook.warnings.join("\n")).toMatch(/Edit the recovery target in step 5/);
  });

  it("uses a given target as Walden would, with the action", () => {
    const runbook = build({
      target: { type: "time", value: "2026-11-26T14:52:00.000Z", inclusive: false },
      action: "promote",
    });
    const autoConf = section(runbook, /recovery settings/).commands.join("\n");
    expect(autoConf).toContain("recovery_target_time = '2026-11-26 14:52:00.000+00'");
    expect(autoConf).toContain("recovery_target_inclusive = false");
    expect(autoConf).toContain("recovery_target_action = 'promote'");
    expect(autoConf).not.toContain("# Other targets");
    expect(runbook.warnings.join("\n")).not.toMatch(/Edit the recovery target/);
  });

  it("quotes every path for the shell, however hostile", () => {
    const hostile = "/tmp/it's here";
    const runbook = build({
      backup: { ...backup, path: `${hostile}/backup $(rm -rf ~) \`x\`` },
      archivePath: `${hostile}/archive 100%`,
      dataDir: `${hostile}/data`,
      logFile: `${hostile}/restore.log`,
      binDir: `${hostile}/bin`,
    });
    const unpack = section(runbook, /Unpack/).commands;
    expect(shellWords(unpack[0]!)).toEqual([
      "tar",
      "-I",
      "lz4",
      "-x",
      "-f",
      `${hostile}/backup $(rm -rf ~) \`x\`/base.tar.lz4`,
      "-C",
      `${hostile}/data`,
    ]);
    expect(shellWords(section(runbook, /Create/).commands[0]!)).toEqual([
      "install",
      "-d",
      "-m",
      "0700",
      `${hostile}/data`,
    ]);
    const start = section(runbook, /Start/).commands.find((command) => command.includes("pg_ctl"))!;
    expect(shellWords(start.replace(/ \|\|.*$/, ""))).toEqual([
      `${hostile}/bin/pg_ctl`,
      "-D",
      `${hostile}/data`,
      "-l",
      `${hostile}/restore.log`,
      "-w",
      "-t",
      "3600",
      "start",
    ]);
    // Inside postgresql.auto.conf: single quotes doubled, and % doubled in restore_command.
    const autoConf = section(runbook, /recovery settings/).commands.join("\n");
    expect(autoConf).toContain("unix_socket_directories = '/tmp/it''s here/data'");
    // (the \\ is the configuration file's escape for the backslash of the shell's '\'')
    expect(autoConf).toContain(`restore_command = 'cp ''/tmp/it''\\\\''''s here/archive 100%%''/"%f" "%p"'`);
    expect(autoConf).toContain("hba_file = '/tmp/it''s here/data/pg_hba.conf'");
  });

  it("runs as a bash script whose quoting holds: bash -n parses it", () => {
    const runbook = build({
      backup: { ...backup, path: "/tmp/it's here/backup" },
      dataDir: "/tmp/it's here/data",
      archivePath: "/tmp/it's here/archive",
    });
    expect(() => execFileSync("bash", ["-n", "-c", runbookScript(runbook)])).not.toThrow();
  });

  it("refuses a data directory pg_ctl would hand to a shell unquoted, and relative paths", () => {
    expect(() => build({ dataDir: "/tmp/$(id)/data" })).toThrow(/must not contain/);
    expect(() => build({ logFile: '/tmp/"x".log' })).toThrow(/must not contain/);
    expect(() => build({ dataDir: "/tmp/a,b" })).toThrow(/comma/);
    expect(() => build({ dataDir: "restore" })).toThrow(/absolute/);
    expect(() => build({ archivePath: "/srv/archive\n/x" })).toThrow(/line breaks/);
  });

  it.each([
    ["base.tar.lz4", "pg_wal.tar", "tar -I lz4 -x -f", "tar -x -f", "command -v lz4"],
    ["base.tar.zst", "pg_wal.tar", "tar -I zstd -x -f", "tar -x -f", "command -v zstd"],
    ["base.tar.gz", "pg_wal.tar.gz", "tar -z -x -f", "tar -z -x -f", "command -v gzip"],
    ["base.tar", "pg_wal.tar", "tar -x -f", "tar -x -f", null],
  ])("unpacks %s and %s with the right flags", (base, wal, baseTar, walTar, check) => {
    const runbook = build({ files: ["SHA256SUMS", "backup_manifest", base, wal, "walden.json"] });
    const [unpackBase, , unpackWal] = section(runbook, /Unpack/).commands;
    expect(unpackBase).toBe(`${baseTar} '${backup.path}/${base}' -C '/var/lib/postgresql/restore-0b7c1f2a'`);
    expect(unpackWal).toBe(
      `${walTar} '${backup.path}/${wal}' -C '/var/lib/postgresql/restore-0b7c1f2a/pg_wal'`,
    );
    const prerequisites = section(runbook, /prerequisites/).commands.join("\n");
    if (check) expect(prerequisites).toContain(check);
    else expect(prerequisites).not.toContain("command -v");
    expect(runbook.backup).toMatchObject({ baseFile: base, walFile: wal });
  });

  it("derives file names from the compression when the folder could not be listed, and says so", () => {
    const lz4 = build({ files: undefined, backup: { ...backup, compression: "zstd" } });
    expect(lz4.backup).toMatchObject({ baseFile: "base.tar.zst", walFile: "pg_wal.tar" });
    expect(lz4.warnings.join("\n")).toMatch(/could not be listed/);
    // Before 15, compression happens on the client, which gzips the WAL tar too.
    const gzip14 = build({
      files: undefined,
      backup: { ...backup, compression: "gzip", serverVersionNum: 140011 },
    });
    expect(gzip14.backup).toMatchObject({ baseFile: "base.tar.gz", walFile: "pg_wal.tar.gz" });
  });

  it("verifies checksums in the backup folder and the manifest with pg_verifybackup before changing files", () => {
    const runbook = build();
    expect(section(runbook, /checksums/).commands[0]).toBe(
      `(cd '${backup.path}' && sha256sum -c SHA256SUMS)`,
    );
    const unpack = section(runbook, /Unpack/).commands;
    expect(unpack.at(-1)).toBe(
      `'/usr/lib/postgresql/16/bin/pg_verifybackup' -m '${backup.path}/backup_manifest' '/var/lib/postgresql/restore-0b7c1f2a'`,
    );
  });

  it.each([
    [130015, "13", "pg_is_wal_replay_paused()", true],
    [140011, "14", "pg_get_wal_replay_pause_state()", true],
    [150008, "15", "pg_get_wal_replay_pause_state()", false],
    [180001, "18", "pg_get_wal_replay_pause_state()", false],
  ])("writes version-correct text for server_version_num %i", (versionNum, major, pauseCall, statsTemp) => {
    const runbook = build({ backup: { ...backup, serverVersionNum: versionNum } });
    expect(runbook.backup.major).toBe(Number(major));
    expect(runbook.restore.binDir).toBe(`/usr/lib/postgresql/${major}/bin`);
    expect(section(runbook, /Check the restored/).commands[0]).toContain(pauseCall);
    const autoConf = section(runbook, /recovery settings/).commands.join("\n");
    // stats_temp_directory is gone in 15: setting it there would stop the server from starting.
    expect(autoConf.includes("stats_temp_directory = 'pg_stat_tmp'")).toBe(statsTemp);
    // PostgreSQL 12+ (all supported versions): recovery.signal, never recovery.conf.
    expect(allCommands(runbook)).toContain("recovery.signal");
    expect(allCommands(runbook)).not.toMatch(/>\s*'[^']*recovery\.conf'/);
    expect(runbook.warnings.join("\n")).not.toMatch(/Walden supports/);
  });

  it("warns for a version outside 13–18", () => {
    expect(build({ backup: { ...backup, serverVersionNum: 120010 } }).warnings.join("\n")).toMatch(
      /Walden supports 13–18/,
    );
  });

  it("says to run as the postgres OS user, and checks it is not root", () => {
    const runbook = build();
    expect(runbook.warnings.join("\n")).toMatch(/postgres OS user.*sudo -iu postgres/);
    expect(section(runbook, /prerequisites/).commands[0]).toMatch(/^test "\$\(id -u\)" -ne 0 \|\|/);
  });

  it("unpacks each tablespace into its own folder beside the data directory and rewrites tablespace_map", () => {
    const runbook = build({ files: [...files, "16390.tar.zst", "16384.tar.lz4"] });
    const dataDir = "/var/lib/postgresql/restore-0b7c1f2a";
    const tablespaceDir = `${dataDir}.tablespaces`;
    expect(runbook.restore.tablespaceDir).toBe(tablespaceDir);
    expect(runbook.backup.tablespaces).toEqual([
      { oid: "16384", file: "16384.tar.lz4" },
      { oid: "16390", file: "16390.tar.zst" },
    ]);
    expect(runbook.warnings.join("\n")).not.toMatch(/tablespace/);
    const prerequisites = section(runbook, /prerequisites/).commands.join("\n");
    expect(prerequisites).toContain(
      `test -r '${backup.path}/16384.tar.lz4' && test -r '${backup.path}/16390.tar.zst'`,
    );
    expect(prerequisites).toContain("command -v zstd");
    expect(prerequisites).toContain(`test ! -e '${tablespaceDir}'`);
    expect(section(runbook, /Create/).commands).toEqual([
      `install -d -m 0700 '${dataDir}'`,
      `install -d -m 0700 '${tablespaceDir}'`,
    ]);
    const unpack = section(runbook, /Unpack/).commands;
    expect(unpack.slice(3, 9)).toEqual([
      `install -d -m 0700 '${tablespaceDir}/16384'`,
      `tar -I lz4 -x -f '${backup.path}/16384.tar.lz4' -C '${tablespaceDir}/16384'`,
      `ln -s -- '${tablespaceDir}/16384' '${dataDir}/pg_tblspc/16384'`,
      `install -d -m 0700 '${tablespaceDir}/16390'`,
      `tar -I zstd -x -f '${backup.path}/16390.tar.zst' -C '${tablespaceDir}/16390'`,
      `ln -s -- '${tablespaceDir}/16390' '${dataDir}/pg_tblspc/16390'`,
    ]);
    // pg_verifybackup checks the backup's own tablespace_map before it is replaced.
    expect(unpack[9]).toMatch(/pg_verifybackup/);
    expect(unpack[10]).toBe(
      `cat > '${dataDir}/tablespace_map' <<'WALDEN_EOF'\n16384 ${tablespaceDir}/16384\n16390 ${tablespaceDir}/16390\nWALDEN_EOF`,
    );
    expect(section(runbook, /Start/).commands[0]).toMatch(/^root=\$\(readlink -m -- '[^']+\.tablespaces'\)/);
    expect(section(runbook, /Promote/).commands.at(-1)).toBe(
      `rm -rf -- '${dataDir}' '${dataDir}.log' '${tablespaceDir}'`,
    );
  });

  it("keeps the tablespace folder beside the data directory, never inside or around it", () => {
    expect(build({ tablespaceDir: "/srv/copy/ts" }).restore.tablespaceDir).toBe("/srv/copy/ts");
    expect(() => build({ dataDir: "/srv/copy", tablespaceDir: "/srv/copy/ts" })).toThrow(
      /beside the data directory/,
    );
    expect(() => build({ dataDir: "/srv/copy/data", tablespaceDir: "/srv/copy" })).toThrow(
      /beside the data directory/,
    );
    expect(() => build({ tablespaceDir: "ts" })).toThrow(/absolute/);
    expect(() => build({ tablespaceDir: "/srv/a\\b" })).toThrow(/backslash/);
  });

  it("runs its tablespace commands with bash: the copy's links and map stay inside, and the start check refuses the source's", () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "walden-runbook-ts-"));
    try {
      const backupDir = path.join(tmp, "backup it's");
      const source = path.join(tmp, "source tablespace");
      mkdirSync(path.join(backupDir, "base", "pg_tblspc"), { recursive: true });
      mkdirSync(path.join(backupDir, "ts", "PG_15_202209061"), { recursive: true });
      mkdirSync(source);
      writeFileSync(path.join(backupDir, "base", "tablespace_map"), `16384 ${source}\n`);
      writeFileSync(path.join(backupDir, "ts", "PG_15_202209061", "16385"), "table bytes");
      for (const [archive, folder] of [
        ["base.tar", "base"],
        ["16384.tar", "ts"],
      ])
        execFileSync("tar", [
          "-c",
          "-f",
          path.join(backupDir, archive!),
          "-C",
          path.join(backupDir, folder!),
          ".",
        ]);
      const dataDir = path.join(tmp, "copy it's");
      const runbook = build({
        backup: { ...backup, path: backupDir },
        files: ["base.tar", "pg_wal.tar", "16384.tar"],
        dataDir,
      });
      const unpack = section(runbook, /Unpack/).commands.filter(
        (command) => !/pg_verifybackup|pg_wal/.test(command),
      );
      const check = section(runbook, /Start/).commands[0]!;
      const script = [...section(runbook, /Create/).commands, ...unpack, check].join("\n");
      execFileSync("bash", ["-eu", "-c", script]);
      const tablespaceDir = `${dataDir}.tablespaces`;
      expect(readlinkSync(path.join(dataDir, "pg_tblspc", "16384"))).toBe(`${tablespaceDir}/16384`);
      expect(readFileSync(path.join(tablespaceDir, "16384", "PG_15_202209061", "16385"), "utf8")).toBe(
        "table bytes",
      );
      expect(readFileSync(path.join(dataDir, "tablespace_map"), "utf8")).toBe(
        `16384 ${tablespaceDir}/16384\n`,
      );

      // The backup's own map, as a copy would have it without the rewrite: refused.
      writeFileSync(path.join(dataDir, "tablespace_map"), `16384 ${source}\n`);
      expect(() => execFileSync("bash", ["-eu", "-c", check], { stdio: "pipe" })).toThrow(
        /Refusing to start: {2}tablespace_map:16384 point outside/,
      );
      writeFileSync(path.join(dataDir, "tablespace_map"), `16384 ${tablespaceDir}/16384\n`);
      rmSync(path.join(dataDir, "pg_tblspc", "16384"));
      symlinkSync(source, path.join(dataDir, "pg_tblspc", "16384"));
      expect(() => execFileSync("bash", ["-eu", "-c", check], { stdio: "pipe" })).toThrow(
        /Refusing to start: {2}pg_tblspc\/16384 point outside/,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("keeps promotion and removal out of the script: they are printed commented out", () => {
    const script = runbookScript(build());
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(script).toContain("\nset -eu\n");
    expect(script).toMatch(/\n#   .*-c 'select pg_wal_replay_resume\(\)'\n/);
    expect(script).toMatch(/\n#   rm -rf -- /);
    expect(script).not.toMatch(/\nrm -rf/);
    expect(script).toContain("# ── 5. Write the recovery settings and pg_hba.conf ──");
  });
});
