import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import {
  isolationCommands,
  ownFileSettings,
  recoverySettings,
  renderSettings,
  restoredHba,
  settingLine,
} from "@/lib/restore/recovery-config";
import {
  remappedTablespaceMap,
  tablespaceArchives,
  tablespaceCheckCommand,
  type TablespaceArchive,
} from "@/lib/restore/tablespaces";
import { shellQuote } from "@/lib/tools/shell-quote";
import { compressionSchema, type Compression } from "@/lib/schemas/backup";
import type { RecoveryAction, RestoreTarget } from "@/lib/schemas/restore";

// The break-glass runbook: for one physical backup, the shell commands that restore it by hand
// when Walden itself is down. buildRunbook is pure (facts in, text out); the recovery settings
// and pg_hba.conf come from recovery-config.ts, the same functions Walden's own restore uses,
// so a person following the runbook gets the instance Walden would have built.

export const SUPPORTED_MAJORS = { min: 13, max: 18 } as const;

/** What tar needs to unpack each compression pg_basebackup writes (as in lib/backup/verify.ts). */
const TAR_DECOMPRESS: Record<string, { flags: string[]; program: string | null }> = {
  ".lz4": { flags: ["-I", "lz4"], program: "lz4" },
  ".zst": { flags: ["-I", "zstd"], program: "zstd" },
  ".gz": { flags: ["-z"], program: "gzip" },
  "": { flags: [], program: null },
};

const SUFFIX: Record<Compression, string> = { lz4: ".lz4", zstd: ".zst", gzip: ".gz", none: "" };

/** Shown until the reader edits it: the server refuses to start with it, which is the point. */
export const TARGET_TIME_PLACEHOLDER = "YYYY-MM-DD HH:MM:SS+00";

const HEREDOC_END = "WALDEN_EOF";

export interface RunbookBackupFacts {
  id: string;
  label: string | null;
  /** The backup folder: base.tar*, pg_wal.tar*, backup_manifest, SHA256SUMS, walden.json. */
  path: string;
  serverVersionNum: number;
  startLsn: string | null;
  stopLsn: string | null;
  timeline: number | null;
  startWal: string | null;
  stopWal: string | null;
  finishedAt: Date | string | null;
  sizeBytes: number | null;
  /** The request's compression; used only when the folder's listing is not known. */
  compression: Compression;
}

export interface RunbookInput {
  backup: RunbookBackupFacts;
  /** The backup folder's file names, when the caller could read it; else names are derived. */
  files?: string[];
  clusterName: string;
  /** The cluster's WAL archive folder (cluster.archivePath). */
  archivePath: string;
  /** Where the restore host keeps this major's programs; default Debian's /usr/lib/postgresql/<major>/bin. */
  binDir?: string;
  /** Default: a recovery_target_time placeholder the reader edits. */
  target?: RestoreTarget;
  /** What the server does at the target; default pause, so a person looks before promoting. */
  action?: RecoveryAction;
  /** recovery_target_timeline; default "latest". */
  timeline?: string;
  /** Default /var/lib/postgresql/restore-<short id>. */
  dataDir?: string;
  /** Default 5499. */
  port?: number;
  /** pg_ctl's -l file; default <dataDir>.log, beside the data directory. */
  logFile?: string;
  /** Where the backup's tablespaces go, one folder per tablespace oid; default <dataDir>.tablespaces. */
  tablespaceDir?: string;
  /** The role psql connects as through the socket; default postgres (initdb's superuser). */
  superuser?: string;
}

export interface RunbookSection {
  title: string;
  explanation: string;
  commands: string[];
  /** Choices a person makes after looking (promote, start again, remove): never run as a script. */
  manual?: boolean;
}

export interface Runbook {
  title: string;
  backup: {
    id: string;
    label: string | null;
    clusterName: string;
    path: string;
    serverVersionNum: number;
    serverVersion: string;
    major: number;
    startLsn: string | null;
    stopLsn: string | null;
    timeline: number | null;
    startWal: string | null;
    stopWal: string | null;
    finishedAt: string | null;
    sizeBytes: number | null;
    baseFile: string;
    walFile: string;
    /** The tablespace archives (<oid>.tar…), each unpacked into restore.tablespaceDir/<oid>. */
    tablespaces: TablespaceArchive[];
  };
  restore: {
    dataDir: string;
    port: number;
    logFile: string;
    tablespaceDir: string;
    binDir: string;
    archivePath: string;
    target: RestoreTarget;
    action: RecoveryAction;
  };
  warnings: string[];
  sections: RunbookSection[];
}

/** 150004 → "15.4" (PostgreSQL 10 and newer: major × 10000 + minor). */
export function serverVersionText(versionNum: number): string {
  return `${Math.floor(versionNum / 10_000)}.${versionNum % 10_000}`;
}

function assertAbsolutePath(label: string, value: string): void {
  // A line break would end a heredoc line or a setting early; a relative path depends on the shell's folder.
  if (!value.startsWith("/") || /[\n\r\0]/.test(value))
    throw new Error(`the ${label} must be an absolute path without line breaks: ${JSON.stringify(value)}`);
}

function suffixOf(file: string): string {
  return Object.keys(TAR_DECOMPRESS).find((ending) => ending && file.endsWith(ending)) ?? "";
}

/**
 * The base and WAL tar names. From the folder's listing when known; otherwise from the request:
 * server-side compression (server 15+) leaves pg_wal.tar plain, client-side gzip compresses it too.
 */
function tarFiles(input: RunbookInput, major: number): { base: string; wal: string; derived: boolean } {
  const base = input.files?.find((file) => /^base\.tar(\.(lz4|zst|gz))?$/.test(file));
  const wal = input.files?.find((file) => /^pg_wal\.tar(\.(lz4|zst|gz))?$/.test(file));
  if (base && wal) return { base, wal, derived: false };
  const { compression } = input.backup;
  return {
    base: base ?? `base.tar${SUFFIX[compression]}`,
    wal: wal ?? (compression === "gzip" && major < 15 ? "pg_wal.tar.gz" : "pg_wal.tar"),
    derived: true,
  };
}

/**
 * What a root shell runs so the postgres OS user can read a folder Walden's worker wrote (0700,
 * files 0600); `parent` is Walden's own folder above it (a backup's cluster folder), also 0700.
 */
function grantRead(folder: string, parent?: string): string {
  const above = parent ? `chgrp postgres ${shellQuote(parent)} && chmod g+x ${shellQuote(parent)} && ` : "";
  return `${above}chgrp -R postgres ${shellQuote(folder)} && chmod -R g+rX ${shellQuote(folder)} (each folder above ${parent ? "them" : "it"} must be searchable too)`;
}

function untar(archive: string, into: string): string {
  const { flags } = TAR_DECOMPRESS[suffixOf(archive)]!;
  return ["tar", ...flags, "-x", "-f", shellQuote(archive), "-C", shellQuote(into)].join(" ");
}

function heredoc(operator: ">" | ">>", file: string, text: string): string {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  return `cat ${operator} ${shellQuote(file)} <<'${HEREDOC_END}'\n${body}${HEREDOC_END}`;
}

/** `test … || { echo reason >&2; false; }`: stops a script, and only returns 1 when pasted into a shell. */
function orFail(check: string, reason: string): string {
  return `${check} || { echo ${shellQuote(reason)} >&2; false; }`;
}

function isoOrNull(value: Date | string | null): string | null {
  if (value === null) return null;
  return typeof value === "string" ? value : value.toISOString();
}

/** Log lines that mean recovery has reached its end, one way or another. */
const RECOVERY_DONE = [
  "pausing at the end of recovery",
  "archive recovery complete",
  "database system is ready to accept connections",
  "shutdown at recovery target",
  "recovery ended before configured recovery target was reached",
  "FATAL",
  "PANIC",
].join("|");

/** Log lines worth reading after the start. */
const RECOVERY_PROGRESS = [
  "redo starts at",
  "consistent recovery state reached",
  "recovery stopping (before|after)",
  "pausing at the end of recovery",
  "redo done at",
  "selected new timeline ID",
  "archive recovery complete",
  "ready to accept",
  "FATAL",
  "PANIC",
].join("|");

/** The runbook for one physical backup: pure, so the page, the API and the tests build the same text. */
export function buildRunbook(input: RunbookInput): Runbook {
  const { backup } = input;
  const major = Math.floor(backup.serverVersionNum / 10_000);
  const version = serverVersionText(backup.serverVersionNum);
  const shortId = backup.id.slice(0, 8);
  const binDir = input.binDir ?? `/usr/lib/postgresql/${major}/bin`;
  const dataDir = input.dataDir ?? `/var/lib/postgresql/restore-${shortId}`;
  const logFile = input.logFile ?? `${dataDir}.log`;
  const tablespaceDir = input.tablespaceDir ?? `${dataDir}.tablespaces`;
  const port = input.port ?? 5499;
  const superuser = input.superuser ?? "postgres";
  const action = input.action ?? "pause";
  const timeline = input.timeline ?? "latest";
  const target: RestoreTarget = input.target ?? {
    type: "time",
    value: TARGET_TIME_PLACEHOLDER,
    inclusive: true,
  };
  for (const [label, value] of [
    ["backup folder", backup.path],
    ["archive folder", input.archivePath],
    ["bin folder", binDir],
    ["data directory", dataDir],
    ["log file", logFile],
    ["tablespace folder", tablespaceDir],
  ] as const)
    assertAbsolutePath(label, value);
  // pg_ctl starts the server, and pg_verifybackup runs pg_waldump, through /bin/sh with these
  // paths in double quotes: a $, ` , " or \ in them would be expanded there, whatever we quote.
  for (const [label, value] of [
    ["data directory", dataDir],
    ["log file", logFile],
  ] as const)
    if (/[$`"\\]/.test(value))
      throw new Error(`the ${label} must not contain $, \`, " or \\ (pg_ctl hands it to a shell): ${value}`);
  if (dataDir.includes(","))
    throw new Error(
      `the data directory is also the socket folder, and unix_socket_directories cannot hold a comma: ${dataDir}`,
    );
  if (dataDir === "/" || dataDir.endsWith("/"))
    throw new Error(`choose a data directory below /, without a trailing slash: ${dataDir}`);
  // tablespace_map escapes a backslash, which the runbook's own check (read -r) would not undo.
  if (tablespaceDir.includes("\\") || tablespaceDir === "/" || tablespaceDir.endsWith("/"))
    throw new Error(
      `choose a tablespace folder below /, without a backslash or a trailing slash: ${tablespaceDir}`,
    );
  if (`${tablespaceDir}/`.startsWith(`${dataDir}/`) || `${dataDir}/`.startsWith(`${tablespaceDir}/`))
    throw new Error(
      `the tablespace folder must be beside the data directory, not inside it or around it: ${tablespaceDir}`,
    );
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new Error(`the port must be 1024–65535, got ${port}`);

  const files = tarFiles(input, major);
  const tablespaces = tablespaceArchives(input.files ?? []);
  const q = shellQuote;
  const bin = (program: string) => q(`${binDir}/${program}`);
  const backupFile = (name: string) => q(`${backup.path}/${name}`);
  const data = q(dataDir);
  const tablespaceFolder = q(tablespaceDir);
  const dataFile = (name: string) => q(`${dataDir}/${name}`);
  const psql = `${bin("psql")} -X -h ${data} -p ${port} -U ${q(superuser)} -d postgres`;

  const warnings: string[] = [];
  if (major < SUPPORTED_MAJORS.min || major > SUPPORTED_MAJORS.max)
    warnings.push(
      `This backup comes from PostgreSQL ${version}; Walden supports ${SUPPORTED_MAJORS.min}–${SUPPORTED_MAJORS.max} and these commands were written for those versions.`,
    );
  warnings.push(
    "Run every command as the postgres OS user, never as root (PostgreSQL refuses to run as root): open a shell with `sudo -iu postgres`, or prefix a single command with `sudo -u postgres`.",
  );
  if (target.type === "time" && target.value === TARGET_TIME_PLACEHOLDER)
    warnings.push(
      `Edit the recovery target in step 5 first: as printed, recovery_target_time is the placeholder '${TARGET_TIME_PLACEHOLDER}' and the server refuses to start with it.`,
    );
  if (files.derived)
    warnings.push(
      `The backup folder could not be listed when this page was made, so the file names (${files.base}, ${files.wal}) are derived from the backup's options: check them with ls before step 4.`,
    );
  if (files.derived)
    warnings.push(
      `Without the folder's listing this runbook cannot name the backup's tablespace archives (<oid>.tar…): if ls shows any, fetch the runbook again once the folder is readable. Step 7 refuses to start a copy whose tablespaces would point at the source's folders.`,
    );
  const socketPath = `${dataDir}/.s.PGSQL.${port}`;
  if (Buffer.byteLength(socketPath) > 107)
    warnings.push(
      `The socket path ${socketPath} is longer than the 107 bytes Linux allows: choose a shorter data directory.`,
    );

  const settings = recoverySettings({
    archiveDir: input.archivePath,
    target,
    action,
    timeline,
    port,
    socketDir: dataDir,
    clusterName: `${input.clusterName}-breakglass`,
  });
  const exampleLsn = backup.stopLsn ?? "0/3000060";
  const otherTargets = [
    "# Other targets: to use one, delete the recovery_target_time and recovery_target_inclusive",
    "# lines above and uncomment one of these (an LSN or xid must be at or after the backup's stop LSN).",
    `# ${settingLine("recovery_target_lsn", exampleLsn)}`,
    `# ${settingLine("recovery_target_xid", "<transaction id>")}`,
    `# ${settingLine("recovery_target_name", "<restore point name>")}`,
    `# ${settingLine("recovery_target", "immediate")}`,
    "# latest: delete every recovery_target* line; recovery then replays the whole archive and promotes.",
  ].join("\n");
  const ownFiles = ownFileSettings(dataDir, major);
  const autoConf = [
    renderSettings(
      `Break-glass restore of backup ${backup.id} (written by hand from Walden's runbook)`,
      settings,
    ),
    input.target ? "" : `${otherTargets}\n`,
    renderSettings("This copy's own files, not the source's", ownFiles),
  ].join("");

  const decompressors = [
    ...new Set(
      [files.base, files.wal, ...tablespaces.map(({ file }) => file)].map(
        (file) => TAR_DECOMPRESS[suffixOf(file)]!.program,
      ),
    ),
  ].filter((program): program is string => program !== null);

  const sections: RunbookSection[] = [
    {
      title: "Check the prerequisites",
      explanation: [
        `Restore on a host with PostgreSQL ${major} server programs: a data directory only starts with the same major version it was taken from (${version}).`,
        `The commands use ${binDir} (Debian and Ubuntu); elsewhere replace it, e.g. /usr/pgsql-${major}/bin on RHEL.`,
        `The host also needs every extension library the source loads (shared_preload_libraries), read access to the backup folder and to the WAL archive (the check below prints the command that grants it), and free space for the unpacked data directory (the manifest's total below; the backup itself is ${formatSize(backup.sizeBytes)}${files.base === "base.tar" ? "" : " compressed"}) plus the WAL replayed.`,
        tablespaces.length
          ? `The source has ${tablespaces.length === 1 ? "a tablespace" : `${tablespaces.length} tablespaces`} besides the data directory (${tablespaces.map(({ file }) => file).join(", ")}): ${tablespaces.length === 1 ? "it goes" : "they go"} into ${tablespaceDir}, never back to the source's folders.`
          : "",
      ]
        .filter(Boolean)
        .join(" "),
      commands: [
        orFail(
          `test "$(id -u)" -ne 0`,
          "Run these commands as the postgres OS user (sudo -iu postgres), not as root.",
        ),
        orFail(
          `${bin("postgres")} --version | grep -q '(PostgreSQL) ${major}[.a-z]'`,
          `This backup needs PostgreSQL ${major} programs in ${binDir}.`,
        ),
        ...decompressors.map((program) =>
          orFail(
            `command -v ${program} >/dev/null`,
            `Install ${program} to unpack this backup (apt-get install ${program}).`,
          ),
        ),
        orFail(`test ! -e ${data}`, `${dataDir} already exists: choose a new data directory.`),
        ...(tablespaces.length
          ? [
              orFail(
                `test ! -e ${tablespaceFolder}`,
                `${tablespaceDir} already exists: choose a new folder for the tablespaces.`,
              ),
            ]
          : []),
        `if ${bin("pg_isready")} -q -h 127.0.0.1 -p ${port}; then echo ${q(`Port ${port} is in use: choose another.`)} >&2; false; fi`,
        orFail(
          ["SHA256SUMS", "backup_manifest", files.base, files.wal, ...tablespaces.map(({ file }) => file)]
            .map((file) => `test -r ${backupFile(file)}`)
            .join(" && "),
          `The postgres OS user cannot read the backup (Walden keeps backups private to the OS user its worker runs as). As root: ${grantRead(backup.path, path.posix.dirname(backup.path))}`,
        ),
        `ls -l ${q(backup.path)}`,
        `awk -F'"Size": ' 'NF > 1 { split($2, size, ","); total += size[1] } END { printf "data directory unpacked: %.1f MiB, plus WAL\\n", total / 1048576 }' ${backupFile("backup_manifest")}`,
        `df -h ${q(path.posix.dirname(dataDir))}`,
        ...(backup.stopWal
          ? [
              `if test -r ${q(`${input.archivePath}/${backup.stopWal}`)}; then echo ${q(`The archive holds ${backup.stopWal}, the backup's last WAL segment.`)}; else echo ${q(`The postgres OS user cannot read ${backup.stopWal} in the archive. If the archive has it, as root: ${grantRead(input.archivePath)} — if not, replay can reach only the backup's end (use recovery_target = 'immediate').`)} >&2; fi`,
            ]
          : []),
      ],
    },
    {
      title: "Verify the backup's checksums",
      explanation:
        "SHA256SUMS was written when the backup was taken and lists every file in the folder; sha256sum must print OK for each. walden.json records what Walden knew of the backup (LSNs, timeline, server version).",
      commands: [
        `(cd ${q(backup.path)} && sha256sum -c SHA256SUMS)`,
        `cat ${backupFile("walden.json")} && echo`,
      ],
    },
    {
      title: "Create the new data directory",
      explanation: `A new, empty folder that only the postgres OS user can open (PostgreSQL refuses a data directory others can read). Never restore over the directory of a running server.`,
      commands: [
        `install -d -m 0700 ${data}`,
        ...(tablespaces.length ? [`install -d -m 0700 ${tablespaceFolder}`] : []),
      ],
    },
    {
      title: "Unpack the base backup and its WAL",
      explanation: [
        `${files.base} holds the data directory, ${files.wal} the WAL written while the backup ran, which goes into pg_wal.`,
        tablespaces.length
          ? `Each tablespace archive goes into its own folder under ${tablespaceDir}, linked from pg_tblspc. The backup's tablespace_map names the source's folders; once checked it is replaced by one naming the copy's (the server makes its pg_tblspc links from it at start).`
          : "",
        "pg_verifybackup (PostgreSQL 13 and newer) checks every file against backup_manifest and parses that WAL: run it now, before step 5 changes pg_hba.conf.",
      ]
        .filter(Boolean)
        .join(" "),
      commands: [
        untar(`${backup.path}/${files.base}`, dataDir),
        `install -d -m 0700 ${dataFile("pg_wal")}`,
        untar(`${backup.path}/${files.wal}`, `${dataDir}/pg_wal`),
        ...tablespaces.flatMap(({ oid, file }) => {
          const folder = `${tablespaceDir}/${oid}`;
          return [
            `install -d -m 0700 ${q(folder)}`,
            untar(`${backup.path}/${file}`, folder),
            `ln -s -- ${q(folder)} ${dataFile(`pg_tblspc/${oid}`)}`,
          ];
        }),
        `${bin("pg_verifybackup")} -m ${backupFile("backup_manifest")} ${data}`,
        ...(tablespaces.length
          ? [
              heredoc(
                ">",
                `${dataDir}/tablespace_map`,
                remappedTablespaceMap(
                  tablespaces.map(({ oid }) => oid),
                  tablespaceDir,
                ),
              ),
            ]
          : []),
      ],
    },
    {
      title: "Write the recovery settings and pg_hba.conf",
      explanation: [
        "Settings appended to postgresql.auto.conf win over everything before them; they are the settings Walden's own restore writes.",
        input.target
          ? ""
          : `Edit recovery_target_time to the moment to stop at, always with an offset (e.g. 2026-11-26 14:52:00+00); recovery stops before the first commit later than it (recovery_target_inclusive = true keeps commits at exactly that time).`,
        target.type === "latest"
          ? "Without a target, recovery replays everything in the archive, then promotes and opens for writes."
          : `At the target the server will ${action === "pause" ? "pause, read-only, so you can look before promoting (step 9)" : action === "promote" ? "promote and open for writes" : "shut down"}.`,
        "The copy never archives into the source's archive, follows no primary, and listens on 127.0.0.1 only.",
        "Debian keeps postgresql.conf under /etc, so a backup may lack it: an empty one is created then.",
      ]
        .filter(Boolean)
        .join(" "),
      commands: [
        ...isolationCommands(dataDir, bin("postgres")),
        `test -e ${dataFile("postgresql.conf")} || : > ${dataFile("postgresql.conf")}`,
        heredoc(">>", `${dataDir}/postgresql.auto.conf`, autoConf.replace(/^\n/, "")),
        heredoc(">", `${dataDir}/pg_hba.conf`, restoredHba()),
        `test -e ${dataFile("pg_ident.conf")} || : > ${dataFile("pg_ident.conf")}`,
      ],
    },
    {
      title: "Ask for archive recovery",
      explanation:
        "recovery.signal makes the server replay WAL through restore_command until the target, then leave recovery. A backup taken from a standby carries standby.signal, which would keep the copy a standby forever: it goes. (recovery.conf is PostgreSQL 11 and older; 12 and newer refuse to start while one exists.)",
      commands: [`rm -f -- ${dataFile("standby.signal")}`, `touch ${dataFile("recovery.signal")}`],
    },
    {
      title: "Start the server and watch recovery",
      explanation: `First a check: every pg_tblspc link and tablespace_map line must lead into ${tablespaceDir}, or the server would write into another server's tablespace; nothing starts otherwise. pg_ctl returns once the data is consistent; replay goes on after that. The wait loop ends when recovery reaches its end (or a FATAL error): "consistent recovery state reached" means the backup is usable, "recovery stopping before …" names the last transaction not replayed, "pausing at the end of recovery" means it waits for you. Follow the log live with: tail -f ${q(logFile)}`,
      commands: [
        tablespaceCheckCommand(dataDir, tablespaceDir),
        `${bin("pg_ctl")} -D ${data} -l ${q(logFile)} -w -t 3600 start || { tail -n 20 ${q(logFile)} >&2; false; }`,
        `until grep -qE '${RECOVERY_DONE}' ${q(logFile)}; do sleep 2; done`,
        `grep -E '${RECOVERY_PROGRESS}' ${q(logFile)}`,
      ],
    },
    {
      title: "Check the restored instance",
      explanation: `The OS user connects through the socket in the data directory; applications connect with the source's roles and passwords at host 127.0.0.1 port ${port} (e.g. psql -h 127.0.0.1 -p ${port} -U <role> -d <database>). pg_is_in_recovery is true while paused at the target, false once promoted.`,
      commands: [
        `${psql} -c ${q(
          "select pg_is_in_recovery() as in_recovery, pg_last_wal_replay_lsn() as replayed_to, " +
            "pg_last_xact_replay_timestamp() as last_replayed_commit, " +
            // Both raise "recovery is not in progress" once promoted; CASE evaluates them only during recovery.
            (major >= 14
              ? "case when pg_is_in_recovery() then pg_get_wal_replay_pause_state() end as pause_state"
              : "case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as paused"),
        )}`,
      ],
    },
    {
      title: "Promote, or start again with another target",
      explanation:
        "Choose one after looking at the data. If it is paused at the target and the data is right, resume: recovery ends and the copy opens for writes on a new timeline. If it is still replaying, pg_ctl promote stops here and opens it. If the target was wrong, stop the server, remove the directory and start again from step 3: replay cannot go backwards. Remove the copy the same way when you are done.",
      manual: true,
      commands: [
        `${psql} -c 'select pg_wal_replay_resume()'`,
        `${bin("pg_ctl")} -D ${data} promote`,
        `${bin("pg_ctl")} -D ${data} stop -m fast`,
        `rm -rf -- ${data} ${q(logFile)}${tablespaces.length ? ` ${tablespaceFolder}` : ""}`,
      ],
    },
  ];

  return {
    title: `Break-glass restore of backup ${backup.label ? `“${backup.label}” ` : ""}(${shortId}) of ${input.clusterName}`,
    backup: {
      id: backup.id,
      label: backup.label,
      clusterName: input.clusterName,
      path: backup.path,
      serverVersionNum: backup.serverVersionNum,
      serverVersion: version,
      major,
      startLsn: backup.startLsn,
      stopLsn: backup.stopLsn,
      timeline: backup.timeline,
      startWal: backup.startWal,
      stopWal: backup.stopWal,
      finishedAt: isoOrNull(backup.finishedAt),
      sizeBytes: backup.sizeBytes,
      baseFile: files.base,
      walFile: files.wal,
      tablespaces,
    },
    restore: {
      dataDir,
      port,
      logFile,
      tablespaceDir,
      binDir,
      archivePath: input.archivePath,
      target,
      action,
    },
    warnings,
    sections,
  };
}

function formatSize(bytes: number | null): string {
  if (bytes === null) return "of unknown size";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function commentLines(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + word.length + 1 > width && line !== "#") {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/**
 * The whole runbook as one bash script with comments. The last section's choices are printed
 * commented out: promoting or deleting is a person's decision, not a script's.
 */
export function runbookScript(runbook: Runbook): string {
  const out: string[] = [
    "#!/usr/bin/env bash",
    `# ${runbook.title}`,
    `# Backup ${runbook.backup.id}, PostgreSQL ${runbook.backup.serverVersion}, in ${runbook.backup.path}`,
    "#",
    ...runbook.warnings.flatMap((warning) => commentLines(`WARNING: ${warning}`)),
    "set -eu",
  ];
  runbook.sections.forEach((section, index) => {
    out.push("", `# ── ${index + 1}. ${section.title} ──`, ...commentLines(section.explanation));
    if (section.manual) {
      out.push("# Not run by this script: choose one and run it by hand.");
      for (const command of section.commands) out.push(...command.split("\n").map((line) => `#   ${line}`));
    } else {
      out.push(...section.commands);
    }
  });
  return `${out.join("\n")}\n`;
}

/** The facts buildRunbook needs, read from the catalog and the backup folder. */
export async function getBackupRunbookOrThrow(
  id: string,
  options: Pick<
    RunbookInput,
    "target" | "action" | "dataDir" | "port" | "logFile" | "tablespaceDir" | "binDir"
  > = {},
): Promise<Runbook> {
  const backup = z.uuid().safeParse(id).success
    ? await db().backup.findUnique({ where: { id }, include: { cluster: true } })
    : null;
  if (!backup) throw new AppError("not_found", `No backup with id ${id}`);
  if (backup.kind !== "physical")
    throw new AppError(
      "conflict",
      "A break-glass runbook exists for physical backups only; this one is logical",
    );
  if (backup.status !== "succeeded" || !backup.path)
    throw new AppError("conflict", `Only a succeeded backup can be restored; this one is ${backup.status}`);
  if (!backup.serverVersionNum)
    throw new AppError("conflict", "The catalog does not know this backup's server version");
  if (!backup.cluster.archivePath)
    throw new AppError("conflict", "The cluster has no WAL archive path to restore from");
  const files = await fs.readdir(backup.path).catch(() => undefined);
  const request = backup.options as { compression?: unknown } | null;
  const compression = compressionSchema.safeParse(request?.compression);
  return buildRunbook({
    ...options,
    backup: {
      id: backup.id,
      label: backup.label,
      path: backup.path,
      serverVersionNum: backup.serverVersionNum,
      startLsn: backup.startLsn,
      stopLsn: backup.stopLsn,
      timeline: backup.timeline,
      startWal: backup.startWal,
      stopWal: backup.stopWal,
      finishedAt: backup.finishedAt,
      sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes),
      compression: compression.success ? compression.data : "lz4",
    },
    files,
    clusterName: backup.cluster.name,
    archivePath: backup.cluster.archivePath,
  });
}
