// The backups part's tables (measurements 4-5: Walden vs the raw programs, size and time per
// compression) and its rows of the final summary.
import {
  medianOf,
  type BackupResults,
  type CompressionRow,
  type EncryptionRuns,
  type PairedRuns,
} from "./backups";
import { SETTINGS } from "./settings";
import { fmt, heading, median, MiB, ratio, seconds, table } from "./support";

/** Walden/raw of each pair (a run and the one right after it), in the order they ran. */
function pairRatios(runs: PairedRuns): number[] {
  const ratios: number[] = [];
  for (let index = 0; index + 1 < runs.runs.length; index += 2) {
    ratios.push(runs.runs[index]!.ms / runs.runs[index + 1]!.ms);
  }
  return ratios;
}

function pairedRows(runs: PairedRuns): string[][] {
  const rows: string[][] = [];
  for (let index = 0; index + 1 < runs.runs.length; index += 2) {
    const walden = runs.runs[index]!;
    const raw = runs.runs[index + 1]!;
    rows.push([
      `${runs.label}, pair ${index / 2 + 1}`,
      seconds(walden.ms),
      seconds(raw.ms),
      ratio(walden.ms, raw.ms, 3),
      fmt(walden.bytes / MiB, 1),
      fmt(raw.bytes / MiB, 1),
    ]);
  }
  const of = (who: "walden" | "raw", field: "ms" | "bytes") => medianOf(runs, who, field);
  rows.push(
    [
      `${runs.label}, median`,
      seconds(of("walden", "ms")),
      seconds(of("raw", "ms")),
      ratio(of("walden", "ms"), of("raw", "ms"), 3),
      fmt(of("walden", "bytes") / MiB, 1),
      fmt(of("raw", "bytes") / MiB, 1),
    ],
    [`${runs.label}, median of the pair ratios`, "", "", `${fmt(median(pairRatios(runs)), 3)}×`, "", ""],
  );
  return rows;
}

/** Encrypted/plain: medians of each side, and the median of the pairs' own ratios. */
function encryptionFigures(runs: EncryptionRuns) {
  const encrypted = median(runs.pairs.map((pair) => pair.encrypted.ms));
  const plain = median(runs.pairs.map((pair) => pair.plain.ms));
  const pairRatio = median(runs.pairs.map((pair) => pair.encrypted.ms / pair.plain.ms));
  return { encrypted, plain, pairRatio };
}

function encryptionRows(runs: EncryptionRuns): string[][] {
  const rows = runs.pairs.map((pair, index) => [
    `${runs.label}, pair ${index + 1} (${pair.encryptedFirst ? "encrypted" : "plain"} first)`,
    seconds(pair.encrypted.ms),
    seconds(pair.plain.ms),
    ratio(pair.encrypted.ms, pair.plain.ms, 3),
    fmt(pair.encrypted.bytes / MiB, 1),
    fmt(pair.plain.bytes / MiB, 1),
  ]);
  const { encrypted, plain, pairRatio } = encryptionFigures(runs);
  const bytes = (side: "encrypted" | "plain") => median(runs.pairs.map((pair) => pair[side].bytes)) / MiB;
  rows.push(
    [
      `${runs.label}, median`,
      seconds(encrypted),
      seconds(plain),
      ratio(encrypted, plain, 3),
      fmt(bytes("encrypted"), 1),
      fmt(bytes("plain"), 1),
    ],
    [`${runs.label}, median of the pair ratios`, "", "", `${fmt(pairRatio, 3)}×`, "", ""],
  );
  return rows;
}

function compressionRows(rows: CompressionRow[]): string[][] {
  const none = rows.find((row) => row.compression === "none");
  return rows.map((row) => [
    row.compression,
    String(row.n),
    fmt(row.bytes / MiB, 1),
    seconds(row.ms),
    none ? ratio(row.bytes, none.bytes, 3) : "—",
    none ? ratio(row.ms, none.ms, 2) : "—",
  ]);
}

/**
 * Walden − raw split into what the side measurements on the raw copies account for. A physical
 * backup writes SHA256SUMS while it waits for the archive: the longer of the two counts.
 */
function overheadRows(runs: PairedRuns): string[] {
  const raw = runs.runs.filter((run) => run.who === "raw");
  const extra = medianOf(runs, "walden", "ms") - medianOf(runs, "raw", "ms");
  const hash = median(raw.flatMap((run) => (run.hashMs === undefined ? [] : [run.hashMs])));
  const archived = raw.flatMap((run) => (run.archivedAfterMs === undefined ? [] : [run.archivedAfterMs]));
  const archive = archived.length ? median(archived) : 0;
  return [
    runs.label,
    seconds(extra),
    seconds(hash),
    archived.length ? seconds(archive) : "—",
    seconds(extra - (archived.length ? Math.max(hash, archive) : hash)),
  ];
}

export function printBackups(results: BackupResults, loadAtStart: string): void {
  const { data, physical, logical } = results;
  console.log(
    `\ndatabase ${data.database}: pgbench scale ${data.scale}, pg_database_size ` +
      `${fmt(data.sizeBytes / 1e9, 2)} GB (${fmt(data.sizeBytes / MiB, 0)} MiB); ` +
      (data.initMs === null
        ? "reused from an earlier run (not re-initialised)"
        : `initialised in this run (pgbench -i ${seconds(data.initMs)} s)`) +
      `; ${loadAtStart} when the runs began\n`,
  );
  console.log(
    table(
      ["wall time (s), walden then raw", "walden s", "raw s", "walden/raw", "walden MiB", "raw MiB"],
      [...pairedRows(physical), ...pairedRows(logical)],
    ),
  );
  console.log(
    [
      "",
      "Walden's time is runBackup() from the call to its return, on a queued catalog row; raw is the",
      "same program with the same argv (lib/tools/argv.ts), passfile and runTool, into a fresh folder",
      "on the same disk, and nothing else. What Walden does in addition:",
      "  both:     claim the row (reading it and its cluster meanwhile), ask every node which is",
      "            primary, read the server's version, system id and WAL segment size (while the",
      "            partial folder is made), a heartbeat every 5 s, size the folder, SHA-256 of every",
      "            file it wrote into SHA256SUMS, walden.json, fsync and rename .partial-<id> into the",
      "            repository, the final catalog update",
      "  physical: hash base.tar* while pg_basebackup writes it and pg_wal.tar and the manifest while",
      "            it syncs them, parse backup_manifest, then at once SHA256SUMS and: wait until the",
      "            stop segment is in the WAL archive (polled every 20 ms; pg_switch_wal after 1 s);",
      "            --manifest-checksums=SHA256 (the server's checksum of every file inside the tars)",
      "            is in the argv, so both runs pay for it",
      "  logical:  pg_dumpall --globals-only beside pg_dump, then pg_restore --list of the dump (is it",
      "            readable?) while SHA256SUMS is written",
      "Walden's size is counted before SHA256SUMS and walden.json; for logical it includes globals.sql.",
      "",
      "Where the difference goes (medians; the SHA256SUMS and archive columns are measured on the raw",
      "copies after their timed run: writeChecksums of the files the follower does not hash while they",
      "are written, and a 10 ms poll of the archive; for physical the rest is after the longer of the",
      "two, as Walden runs them at once, and SHA256SUMS is an upper bound: Walden hashes pg_wal.tar and",
      "the manifest while pg_basebackup syncs, before it exits):",
      "",
    ].join("\n"),
  );
  console.log(
    table(
      ["seconds", "walden − raw", "SHA256SUMS", "stop WAL archived", "the rest"],
      [overheadRows(physical), overheadRows(logical)],
    ),
  );

  console.log();
  console.log(
    table(
      [
        "wall time (s), Walden's whole job",
        "encrypted s",
        "plain s",
        "encrypted/plain",
        "enc MiB",
        "plain MiB",
      ],
      encryptionRows(results.encryption),
    ),
  );
  console.log(
    [
      "",
      "Encryption at rest (issue 14): runBackup() of the same physical request with the bench cluster's",
      "local encryption on (a fresh age X25519 recipient) and off, one after the other, the order",
      "alternating per pair. Both include pg_basebackup, SHA256SUMS, the WAL archive wait, fsync and",
      "the rename; the encrypted run also writes every file as <file>.age (age v1) and",
      "SHA256SUMS.ciphertext, and leaves no plaintext file. Its size counts the .age files.",
    ].join("\n"),
  );

  heading("5. backups: size and wall time per compression (Walden runs)");
  console.log(
    table(
      ["physical (tar, WAL streamed)", "n", "MiB", "wall s", "size vs none", "time vs none"],
      compressionRows(results.physicalCompression),
    ),
  );
  console.log();
  console.log(
    table(
      ["logical (custom format)", "n", "MiB", "wall s", "size vs none", "time vs none"],
      compressionRows(results.logicalCompression),
    ),
  );
  console.log(
    "\nn > 1: the median of the paired runs above; n = 1: a single run (a rough figure). " +
      "PostgreSQL ≥ 15 compresses physical backups on the server; pg_dump 15 knows gzip only.",
  );
}

export function backupSummaryRows(results: BackupResults): string[][] {
  const goal = SETTINGS.backups.goalRatio;
  const row = (runs: PairedRuns, baseline: string) => {
    const walden = medianOf(runs, "walden", "ms");
    const raw = medianOf(runs, "raw", "ms");
    return [
      `${runs.label.split(" ")[0]} backup ratio (${runs.label}, median s, n=${runs.runs.length / 2} each)`,
      seconds(walden),
      seconds(raw),
      ratio(walden, raw, 3),
      `${baseline} (pair ratios' median ${fmt(median(pairRatios(runs)), 3)}×); ` +
        `goal ≤ ${fmt(goal, 2)}: ${walden / raw <= goal ? "met" : "NOT met"}`,
    ];
  };
  const encryption = results.encryption;
  const { encrypted, plain, pairRatio } = encryptionFigures(encryption);
  const encryptionGoal = SETTINGS.backups.encryptionGoalRatio;
  return [
    row(results.physical, "raw pg_basebackup"),
    [
      `encryption at rest ratio (${encryption.label} / plain, median s, n=${encryption.pairs.length} each)`,
      seconds(encrypted),
      seconds(plain),
      ratio(encrypted, plain, 3),
      `the same Walden job plain (pair ratios' median ${fmt(pairRatio, 3)}×); ` +
        `goal ≤ ${fmt(encryptionGoal, 2)}: ${encrypted / plain <= encryptionGoal ? "met" : "NOT met"}`,
    ],
    row(results.logical, "raw pg_dump"),
  ];
}
