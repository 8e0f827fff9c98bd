import path from "node:path";
import { isolationCommands, restoredHba } from "@/lib/restore/recovery-config";
import {
  remappedTablespaceMap,
  tablespaceCheckCommand,
  type TablespaceArchive,
} from "@/lib/restore/tablespaces";
import type { RecoveryAction, RestoreTarget } from "@/lib/schemas/restore";
import { shellQuote } from "@/lib/tools/shell-quote";
import { decompressorOf, grantRead, heredoc, orFail, untar } from "./runbook-shell";

// The runbook's steps, in the order a person runs them, written from the paths and choices
// buildRunbook (runbook.ts) has already checked.

/**
 * Which heading a section has, as a key of the backups namespace's runbookSteps (messages/<locale>/
 * backups.json): the console page shows the heading in the reader's language from it, while
 * `title` stays the English heading the downloadable script (runbook-script.ts) prints.
 */
export type RunbookStepKey =
  | "prerequisites"
  | "checksums"
  | "dataDir"
  | "unpack"
  | "recoverySettings"
  | "archiveRecovery"
  | "start"
  | "check"
  | "promote"
  | "offsite"
  | "decrypt"
  | "decryptWal";

export interface RunbookSection {
  titleKey: RunbookStepKey;
  title: string;
  explanation: string;
  commands: string[];
  /** Choices a person makes after looking (promote, start again, remove): never run as a script. */
  manual?: boolean;
}

/** What the steps are written from: buildRunbook's checked paths and choices. */
export interface RunbookSectionFacts {
  backup: { path: string; sizeBytes: number | null; stopWal: string | null };
  /** The cluster's WAL archive folder. */
  archivePath: string;
  major: number;
  /** The source's server version, e.g. "16.4". */
  version: string;
  binDir: string;
  dataDir: string;
  logFile: string;
  tablespaceDir: string;
  port: number;
  superuser: string;
  target: RestoreTarget;
  /** False when the target is the placeholder the reader edits. */
  targetGiven: boolean;
  action: RecoveryAction;
  files: { base: string; wal: string };
  tablespaces: TablespaceArchive[];
  /** What step 5 appends to postgresql.auto.conf. */
  autoConf: string;
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

export function runbookSections(facts: RunbookSectionFacts): RunbookSection[] {
  const { backup, archivePath, major, version, binDir, dataDir, logFile, tablespaceDir, port, superuser } =
    facts;
  const { target, targetGiven, action, files, tablespaces, autoConf } = facts;
  const q = shellQuote;
  const bin = (program: string) => q(`${binDir}/${program}`);
  const backupFile = (name: string) => q(`${backup.path}/${name}`);
  const data = q(dataDir);
  const tablespaceFolder = q(tablespaceDir);
  const dataFile = (name: string) => q(`${dataDir}/${name}`);
  const psql = `${bin("psql")} -X -h ${data} -p ${port} -U ${q(superuser)} -d postgres`;

  const decompressors = [
    ...new Set([files.base, files.wal, ...tablespaces.map(({ file }) => file)].map(decompressorOf)),
  ].filter((program): program is string => program !== null);

  return [
    {
      titleKey: "prerequisites",
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
              `if test -r ${q(`${archivePath}/${backup.stopWal}`)}; then echo ${q(`The archive holds ${backup.stopWal}, the backup's last WAL segment.`)}; else echo ${q(`The postgres OS user cannot read ${backup.stopWal} in the archive. If the archive has it, as root: ${grantRead(archivePath)} — if not, replay can reach only the backup's end (use recovery_target = 'immediate').`)} >&2; fi`,
            ]
          : []),
      ],
    },
    {
      titleKey: "checksums",
      title: "Verify the backup's checksums",
      explanation:
        "SHA256SUMS was written when the backup was taken and lists every file in the folder; sha256sum must print OK for each. walden.json records what Walden knew of the backup (LSNs, timeline, server version).",
      commands: [
        `(cd ${q(backup.path)} && sha256sum -c SHA256SUMS)`,
        `cat ${backupFile("walden.json")} && echo`,
      ],
    },
    {
      titleKey: "dataDir",
      title: "Create the new data directory",
      explanation: `A new, empty folder that only the postgres OS user can open (PostgreSQL refuses a data directory others can read). Never restore over the directory of a running server.`,
      commands: [
        `install -d -m 0700 ${data}`,
        ...(tablespaces.length ? [`install -d -m 0700 ${tablespaceFolder}`] : []),
      ],
    },
    {
      titleKey: "unpack",
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
      titleKey: "recoverySettings",
      title: "Write the recovery settings and pg_hba.conf",
      explanation: [
        "Settings appended to postgresql.auto.conf win over everything before them; they are the settings Walden's own restore writes.",
        targetGiven
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
      titleKey: "archiveRecovery",
      title: "Ask for archive recovery",
      explanation:
        "recovery.signal makes the server replay WAL through restore_command until the target, then leave recovery. A backup taken from a standby carries standby.signal, which would keep the copy a standby forever: it goes. (recovery.conf is PostgreSQL 11 and older; 12 and newer refuse to start while one exists.)",
      commands: [`rm -f -- ${dataFile("standby.signal")}`, `touch ${dataFile("recovery.signal")}`],
    },
    {
      titleKey: "start",
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
      titleKey: "check",
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
      titleKey: "promote",
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
