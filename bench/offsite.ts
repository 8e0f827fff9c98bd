// npx tsx bench/offsite.ts — offsite copies to S3-compatible storage (issue 14): Walden's putFile
// against a plain SDK Upload of the same files (lib-storage, same client, part size and queue),
// and the cost of encrypting on the way (age), measured side by side in one run, rounds
// rotated so that no variant always goes first. The storage is s3rver on 127.0.0.1:25890 in a
// child process (so its CPU is not the bench's), serving <bench home>/offsite/s3. The files are
// a physical backup's shape: base.tar and pg_wal.tar of incompressible bytes (as lz4 or zstd
// output is), with SHA256SUMS known, as Walden's backups have it.
// Nothing is asserted on time; exit status 0 unless something broke.
import { fork, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { Upload } from "@aws-sdk/lib-storage";
import { generateAgeKey } from "@/lib/offsite/age";
import { partSizeFor, UPLOAD_QUEUE_SIZE } from "@/lib/offsite/put-file";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { S3_TEST_CREDENTIALS, startS3Server } from "@/test/s3-server";
import {
  fmt,
  heading,
  loadAverageText,
  median,
  now,
  ratio,
  SUMMARY_HEADER,
  table,
  waitForQuietMachine,
} from "./support";

export const OFFSITE_SETTINGS = {
  port: 25890,
  bucket: "walden-bench",
  /** The backup's files and sizes (MiB): one large data tar and its WAL. */
  files: [
    { name: "base.tar", mib: 160 },
    { name: "pg_wal.tar", mib: 16 },
  ],
  rounds: 5,
  /** Wall times mean little on a busy machine: wait (a while) for the 1-minute load to drop. */
  loadLimit: 1.5,
  loadMaxWaitMs: 60_000,
  /** The goal for an encrypted copy's time over a plain one's. */
  encryptionGoal: 1.15,
} as const;

const VARIANTS = ["sdk", "walden", "encrypted"] as const;
type Variant = (typeof VARIANTS)[number];
const VARIANT_LABELS: Record<Variant, string> = {
  sdk: "plain SDK Upload (lib-storage)",
  walden: "walden putFile (SHA-256 checked on the way)",
  encrypted: "walden putFile, age-encrypted",
};

export interface OffsiteResults {
  totalBytes: number;
  /** Milliseconds per round, per variant, in round order. */
  runs: Record<Variant, number[]>;
  /** CPU milliseconds of this process (the client side) per round, per variant: unlike wall time, not stretched by other load. */
  cpu: Record<Variant, number[]>;
  /** putFile without a known checksum: the file is read once more to learn it. */
  unknownChecksumMs: number;
  loadAtStart: string;
}

const benchHome = path.resolve(
  process.env.WALDEN_BENCH_HOME ||
    path.join(path.dirname(fileURLToPath(import.meta.url)), "..", ".walden-bench"),
);

async function makeFiles(
  dir: string,
): Promise<{ path: string; key: string; sha256: string; bytes: number }[]> {
  await fs.mkdir(dir, { recursive: true });
  const files = [];
  for (const file of OFFSITE_SETTINGS.files) {
    const target = path.join(dir, file.name);
    const hash = createHash("sha256");
    const chunk = () => {
      const data = randomBytes(1024 * 1024);
      hash.update(data);
      return data;
    };
    await pipeline(
      (function* () {
        for (let mib = 0; mib < file.mib; mib++) yield chunk();
      })(),
      createWriteStream(target),
    );
    files.push({ path: target, key: file.name, sha256: hash.digest("hex"), bytes: file.mib * 1024 * 1024 });
  }
  return files;
}

/** s3rver in a child process (this same file, --serve), ready when it says so. */
async function startStorage(directory: string): Promise<ChildProcess> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", String(OFFSITE_SETTINGS.port), directory], {
    execArgv: ["--import", "tsx", "--no-deprecation", "--no-warnings"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the s3rver child exited (${code}) before it was ready`)));
  });
  return child;
}

async function stopStorage(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

export async function measureOffsite(log: (line: string) => void): Promise<OffsiteResults> {
  const home = path.join(benchHome, "offsite");
  await fs.rm(home, { recursive: true, force: true });
  const files = await makeFiles(path.join(home, "backup"));
  const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
  log(
    `made ${files.length} files, ${fmt(totalBytes / 2 ** 20, 0)} MiB; starting s3rver on 127.0.0.1:${OFFSITE_SETTINGS.port}`,
  );
  const storage = await startStorage(path.join(home, "s3"));
  const settings = {
    kind: "s3" as const,
    endpoint: `http://127.0.0.1:${OFFSITE_SETTINGS.port}`,
    region: "us-east-1",
    bucket: OFFSITE_SETTINGS.bucket,
    forcePathStyle: true,
    ...S3_TEST_CREDENTIALS,
  };
  const repository = new S3Repository(settings);
  const { recipient } = generateAgeKey();
  const copy: Record<Variant, (file: (typeof files)[number], key: string) => Promise<unknown>> = {
    sdk: (file, key) =>
      new Upload({
        client: repository.client,
        params: {
          Bucket: settings.bucket,
          Key: key,
          Body: createReadStream(file.path, { highWaterMark: 1024 * 1024 }),
        },
        queueSize: UPLOAD_QUEUE_SIZE,
        partSize: partSizeFor(file.bytes),
      }).done(),
    walden: (file, key) => repository.putFile(file.path, key, { sha256: file.sha256 }),
    // As a backup's offsite copy sends it (lib/backup/offsite-copy.ts): the ciphertext hashed on
    // the way for SHA256SUMS.ciphertext, not recorded in each object's metadata.
    encrypted: (file, key) =>
      repository.putFile(file.path, key, {
        sha256: file.sha256,
        encryptTo: recipient,
        recordCiphertextSha256: false,
      }),
  };
  const timeCopy = async (
    run: (file: (typeof files)[number], key: string) => Promise<unknown>,
    prefix: string,
  ) => {
    const started = now();
    const cpuBefore = process.cpuUsage();
    for (const file of files) await run(file, `${prefix}/${file.key}`);
    const elapsed = now() - started;
    const cpuUsed = process.cpuUsage(cpuBefore);
    await repository.remove(files.map((file) => `${prefix}/${file.key}`));
    return { ms: elapsed, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000 };
  };
  const runs: Record<Variant, number[]> = { sdk: [], walden: [], encrypted: [] };
  const cpu: Record<Variant, number[]> = { sdk: [], walden: [], encrypted: [] };
  await waitForQuietMachine(OFFSITE_SETTINGS.loadLimit, OFFSITE_SETTINGS.loadMaxWaitMs, log);
  const loadAtStart = loadAverageText();
  try {
    // A warm-up copy of the small file, each way: connections, the page cache, s3rver's folders.
    for (const variant of VARIANTS) {
      await copy[variant](files.at(-1)!, `warmup-${variant}`);
      await repository.remove([`warmup-${variant}`]);
    }
    for (let round = 0; round < OFFSITE_SETTINGS.rounds; round++) {
      const order = VARIANTS.map((_, index) => VARIANTS[(index + round) % VARIANTS.length]!);
      for (const variant of order) {
        const { ms, cpuMs } = await timeCopy(copy[variant], `round-${round}-${variant}`);
        runs[variant].push(ms);
        cpu[variant].push(cpuMs);
        log(
          `round ${round + 1}/${OFFSITE_SETTINGS.rounds}: ${variant} ${fmt(ms / 1000, 2)} s (client CPU ${fmt(cpuMs / 1000, 2)} s)`,
        );
      }
    }
    const unknownChecksum = await timeCopy(
      (file, key) => repository.putFile(file.path, key),
      "unknown-checksum",
    );
    return { totalBytes, runs, cpu, unknownChecksumMs: unknownChecksum.ms, loadAtStart };
  } finally {
    repository.close();
    await stopStorage(storage);
    await fs.rm(home, { recursive: true, force: true });
  }
}

const mibPerSecond = (bytes: number, ms: number) => bytes / 2 ** 20 / (ms / 1000);

/** The median of the per-round ratios: steadier than the ratio of medians when the machine's load drifts. */
const roundRatio = (runs: OffsiteResults["runs"], top: Variant, bottom: Variant) =>
  median(runs[top].map((ms, round) => ms / runs[bottom][round]!));

export function printOffsite(results: OffsiteResults): void {
  const { runs, cpu, totalBytes } = results;
  console.log(
    table(
      [
        "copy of the backup's files",
        "n",
        "median s",
        "min s",
        "max s",
        "MiB/s (median)",
        "client CPU s (median)",
      ],
      VARIANTS.map((variant) => [
        VARIANT_LABELS[variant],
        String(runs[variant].length),
        fmt(median(runs[variant]) / 1000, 2),
        fmt(Math.min(...runs[variant]) / 1000, 2),
        fmt(Math.max(...runs[variant]) / 1000, 2),
        fmt(mibPerSecond(totalBytes, median(runs[variant])), 1),
        fmt(median(cpu[variant]) / 1000, 2),
      ]),
    ),
  );
  const encryption = median(runs.encrypted) / median(runs.walden);
  console.log(
    `\nwalden putFile / plain SDK Upload = ${ratio(median(runs.walden), median(runs.sdk), 3)}` +
      ` (rounds' median ${fmt(roundRatio(runs, "walden", "sdk"), 3)}×)` +
      `\nencrypted / plain putFile = ${ratio(median(runs.encrypted), median(runs.walden), 3)}` +
      ` (rounds' median ${fmt(roundRatio(runs, "encrypted", "walden"), 3)}×) ` +
      `(goal ≤ ${fmt(OFFSITE_SETTINGS.encryptionGoal, 2)}: ${encryption <= OFFSITE_SETTINGS.encryptionGoal ? "met" : "NOT met"} in this run)` +
      `\nclient CPU: encrypted / plain putFile = ${ratio(median(cpu.encrypted), median(cpu.walden), 3)}, ` +
      `putFile / SDK = ${ratio(median(cpu.walden), median(cpu.sdk), 3)} (CPU time is not stretched by other load; wall time is)` +
      `\nputFile without a known checksum (reads each file twice): ${fmt(results.unknownChecksumMs / 1000, 2)} s, ` +
      `${ratio(results.unknownChecksumMs, median(runs.sdk), 3)} the SDK's median` +
      `\n${results.loadAtStart} at the start; ${loadAverageText()} at the end\n`,
  );
}

/** Rows of the final summary (columns SUMMARY_HEADER). */
export function offsiteSummaryRows(results: OffsiteResults): string[][] {
  const { runs } = results;
  const mib = fmt(results.totalBytes / 2 ** 20, 0);
  const seconds = (ms: number) => fmt(ms / 1000, 2);
  const encryption = median(runs.encrypted) / median(runs.walden);
  return [
    [
      `offsite copy ratio (${mib} MiB to s3rver, median s, n=${runs.walden.length} each)`,
      seconds(median(runs.walden)),
      seconds(median(runs.sdk)),
      ratio(median(runs.walden), median(runs.sdk), 3),
      `a plain SDK Upload of the same files, same client, part size, queue (rounds' median ${fmt(roundRatio(runs, "walden", "sdk"), 3)}×)`,
    ],
    [
      `offsite encryption overhead ratio (age, median s, n=${runs.encrypted.length} each)`,
      seconds(median(runs.encrypted)),
      seconds(median(runs.walden)),
      ratio(median(runs.encrypted), median(runs.walden), 3),
      `Walden's unencrypted copy (rounds' median ${fmt(roundRatio(runs, "encrypted", "walden"), 3)}×, client CPU ${ratio(median(results.cpu.encrypted), median(results.cpu.walden), 2)}); goal ≤ ${fmt(OFFSITE_SETTINGS.encryptionGoal, 2)}: ${
        encryption <= OFFSITE_SETTINGS.encryptionGoal ? "met" : "NOT met"
      }`,
    ],
  ];
}

async function serve(port: number, directory: string): Promise<void> {
  const server = await startS3Server({ port, directory, buckets: [OFFSITE_SETTINGS.bucket] });
  process.on("SIGTERM", () => void server.stop({ abrupt: true }).then(() => process.exit(0)));
  process.send?.("ready");
}

async function main(): Promise<void> {
  const started = now();
  const progress = (line: string) =>
    console.log(`[bench +${fmt((now() - started) / 1000, 1).padStart(5)} s] ${line}`);
  heading(
    `offsite copies: Walden vs a plain SDK upload, and encryption's cost (${os.cpus().length} CPUs, Node ${process.version})`,
  );
  const results = await measureOffsite(progress);
  printOffsite(results);
  console.log(table(SUMMARY_HEADER, offsiteSummaryRows(results)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const serveAt = process.argv.indexOf("--serve");
  const run = serveAt >= 0 ? serve(Number(process.argv[serveAt + 1]), process.argv[serveAt + 2]!) : main();
  run.catch((error: unknown) => {
    console.error("[bench] offsite:", error);
    process.exit(1);
  });
}
