import {
  ownFileSettings,
  recoverySettings,
  renderSettings,
  settingLine,
} from "@/lib/restore/recovery-config";
import { tablespaceArchives, type TablespaceArchive } from "@/lib/restore/tablespaces";
import type { Compression } from "@/lib/schemas/backup";
import type { RecoveryAction, RestoreTarget } from "@/lib/schemas/restore";
import { offsiteSection, type RunbookOffsiteSource, type RunbookWalEnd } from "./runbook-offsite";
import { decryptSection } from "./runbook-decrypt";
import { walDecryptSection } from "./runbook-wal-decrypt";
import { runbookSections, type RunbookSection, type RunbookStepKey } from "./runbook-sections";

export type { RunbookSection, RunbookStepKey };

// The break-glass runbook: for one physical backup, the shell commands that restore it by hand
// when Walden itself is down. buildRunbook is pure (facts in, text out): it checks the paths and
// writes the warnings and the recovery settings here, the steps in runbook-sections.ts; the
// settings and pg_hba.conf come from recovery-config.ts, the same functions Walden's own restore
// uses, so a person following the runbook gets the instance Walden would have built. The whole
// runbook as one bash script: runbook-script.ts; its facts, read from the catalog: runbook-load.ts.

export const SUPPORTED_MAJORS = { min: 13, max: 18 } as const;

const SUFFIX: Record<Compression, string> = { lz4: ".lz4", zstd: ".zst", gzip: ".gz", none: "" };

/** Shown until the reader edits it: the server refuses to start with it, which is the point. */
export const TARGET_TIME_PLACEHOLDER = "YYYY-MM-DD HH:MM:SS+00";

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
  /** Restore from the offsite copy: the runbook downloads it first (runbook-offsite.ts). */
  offsite?: RunbookOffsiteSource;
  /** Where the offsite copy is downloaded (backup/ and wal/ inside); default <dataDir>.offsite. */
  downloadDir?: string;
  /** From offsite: the WAL the target needs (else every segment from the backup's start). */
  offsiteWalEnd?: RunbookWalEnd | null;
  /** The age recipient the local folder is encrypted to at rest: the runbook decrypts it first. */
  encryptedTo?: string | null;
  /** The recipients the local WAL archive is sealed to at rest (none: plain): the runbook decrypts the WAL it needs first. */
  walSealedTo?: string[];
}

export interface Runbook {
  /** In English, like each section's title: the console page words it from backups.runbookSteps. */
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
  /** Which copy the steps restore: the local folder and archive, or the offsite copy they download. */
  source: "local" | "offsite";
  /** With source offsite: where the copy is downloaded to (backup/ and wal/ inside). */
  downloadDir: string | null;
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

function isoOrNull(value: Date | string | null): string | null {
  if (value === null) return null;
  return typeof value === "string" ? value : value.toISOString();
}

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
  const downloadDir = input.offsite ? (input.downloadDir ?? `${dataDir}.offsite`) : null;
  // From the offsite copy, the steps read the downloaded folders instead of the local ones.
  // Encrypted at rest locally: the steps read the folder `age --decrypt` writes beside the data directory.
  const decryptDir = !downloadDir && input.encryptedTo ? `${dataDir}.decrypted` : null;
  const backupPath = downloadDir ? `${downloadDir}/backup` : (decryptDir ?? backup.path);
  // A WAL archive sealed at rest: restore_command reads the folder its WAL is decrypted into.
  const walDecryptDir = !downloadDir && input.walSealedTo?.length ? `${dataDir}.wal` : null;
  const archivePath = downloadDir ? `${downloadDir}/wal` : (walDecryptDir ?? input.archivePath);
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
    ["download folder", downloadDir ?? "/"],
  ] as const)
    assertAbsolutePath(label, value);
  if (
    downloadDir &&
    (`${downloadDir}/`.startsWith(`${dataDir}/`) || `${dataDir}/`.startsWith(`${downloadDir}/`))
  )
    throw new Error(
      `the download folder must be beside the data directory, not inside it or around it: ${downloadDir}`,
    );
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
    archiveDir: archivePath,
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

  const localSections = runbookSections({
    backup: { ...backup, path: backupPath },
    archivePath,
    major,
    version,
    binDir,
    dataDir,
    logFile,
    tablespaceDir,
    port,
    superuser,
    target,
    targetGiven: Boolean(input.target),
    action,
    files,
    tablespaces,
    autoConf,
  });
  const sections = input.offsite
    ? [
        offsiteSection({
          offsite: input.offsite,
          backupId: backup.id,
          startWal: backup.startWal,
          backupDir: backupPath,
          walDir: archivePath,
          walEnd: input.offsiteWalEnd ?? null,
        }),
        ...localSections,
      ]
    : [
        ...(decryptDir && input.encryptedTo
          ? [decryptSection({ backupPath: backup.path, decryptDir, recipient: input.encryptedTo })]
          : []),
        ...(walDecryptDir
          ? [
              walDecryptSection({
                archivePath: input.archivePath,
                walDir: walDecryptDir,
                startWal: backup.startWal,
                recipients: input.walSealedTo!,
              }),
            ]
          : []),
        ...localSections,
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
      archivePath,
      target,
      action,
    },
    source: input.offsite ? "offsite" : "local",
    downloadDir,
    warnings,
    sections,
  };
}
