import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sha256File } from "@/lib/backup/checksum";
import { db } from "@/lib/db";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { offsiteWalPrefix, toOffsiteRow } from "@/lib/offsite/stored-settings";
import { keepArchiveWatched, stopArchiveWatches } from "@/lib/wal/archive-watch";
import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { readSealedFacts } from "@/lib/wal/sealed-names";
import { sealArchive } from "@/lib/wal/sealed-wal";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { withSandboxPrimary } from "@/test/sandbox-cluster";
import { startS3Server } from "@/test/s3-server";
import { startSourceCluster, type SourceCluster } from "@/test/source-cluster";

// The sealed WAL archive's races (issue 14), on a real PostgreSQL 15 archiving with Walden's
// archive_command (1 MiB segments) and real age: two sealing passes over the same segments at
// once lose and corrupt nothing; a segment archived while the watch runs is sealed within
// seconds (the time is measured and printed); a shipping run that listed a segment plain and
// found it sealed before reading it ships it sealed.

const PORT = 27079; // the last of h2's restore ports: this file runs no restore
const S3_PORT = 25885;
const SEGMENT = /^[0-9A-F]{24}$/;
const run = Date.now().toString(36);
let dir: string;
let source: SourceCluster;
let keyFile: string;
let identity: string;
let recipient: string;

/** `count` new segments archived (written, switched, waited for); their names. */
async function archiveSegments(count: number): Promise<string[]> {
  const names: string[] = [];
  const client = await source.connect();
  try {
    await client.query("create table if not exists races (id serial, at timestamptz default now())");
    for (let i = 0; i < count; i += 1) {
      await client.query("insert into races (at) select now() from generate_series(1, 100)");
      const { rows } = await client.query<{ wal: string }>("select pg_walfile_name(pg_switch_wal()) as wal");
      names.push(rows[0]!.wal);
    }
  } finally {
    await client.end();
  }
  await waitFor(`${names.at(-1)} archived`, async () => {
    const files = await fs.readdir(source.archiveDir);
    return names.every((name) => files.includes(name) || files.includes(`${name}.age`));
  });
  return names;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every segment of `names` only sealed in `folder`, decrypting with age to `sha256s`; no temporary left. */
async function expectSealed(folder: string, sha256s: Map<string, string>): Promise<void> {
  const files = await fs.readdir(folder);
  expect(files.filter((file) => file.endsWith(".tmp"))).toEqual([]);
  for (const [name, sha256] of sha256s) {
    expect(files, name).not.toContain(name);
    expect((await readSealedFacts(folder, name)).sha256).toBe(sha256);
    const out = path.join(dir, `opened-${name}`);
    execFileSync("age", ["--decrypt", "-i", keyFile, "-o", out, path.join(folder, `${name}.age`)]);
    expect(await sha256File(out), name).toBe(sha256);
    await fs.rm(out);
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "h2-sealed-races-"));
  // The server's user walks through to its own folder; the key file stays 0600.
  await fs.chmod(dir, 0o711);
  keyFile = path.join(dir, "key.txt");
  execFileSync("age-keygen", ["-o", keyFile], { stdio: "ignore" });
  identity = readFileSync(keyFile, "utf8")
    .split("\n")
    .find((line) => line.startsWith("AGE-SECRET-KEY-1"))!;
  recipient = execFileSync("age-keygen", ["-y", keyFile], { encoding: "utf8" }).trim();
  source = await startSourceCluster({
    name: `sealed-races-${run}`,
    root: path.join(dir, "source"),
    port: PORT,
  });
}, 180_000);

afterAll(async () => {
  stopArchiveWatches();
  await source?.remove();
  if (source?.clusterId) {
    await db().offsiteWalPosition.deleteMany({ where: { clusterId: source.clusterId } });
    await db().offsiteRepository.deleteMany({ where: { clusterId: source.clusterId } });
  }
  await fs.rm(dir, { recursive: true, force: true });
});

describe("the sealed WAL archive's races", () => {
  it("three sealing passes at once over the same segments: each sealed whole, none lost, no plaintext or temporary left", async () => {
    const names = await archiveSegments(6);
    const folder = path.join(dir, "concurrent");
    await fs.mkdir(folder, { mode: 0o700 });
    const sha256s = new Map<string, string>();
    for (const name of names) {
      await fs.copyFile(path.join(source.archiveDir, name), path.join(folder, name));
      sha256s.set(name, await sha256File(path.join(folder, name)));
    }
    const passes = await Promise.all([1, 2, 3].map(() => sealArchive(folder, recipient)));
    expect(passes.flatMap((pass) => pass.problems)).toEqual([]);
    // Each segment sealed by at least one pass.
    expect(new Set(passes.flatMap((pass) => pass.sealed))).toEqual(new Set(names));
    await expectSealed(folder, sha256s);
    expect((await fs.readdir(folder)).filter((file) => SEGMENT.test(file))).toEqual([]);
  }, 120_000);

  it("seals a segment within seconds of archive_command archiving it while the archive is watched", async () => {
    await db().cluster.update({
      where: { id: source.clusterId! },
      data: { localEncryptionEnabled: true, localEncryptionRecipient: recipient },
    });
    // What the first watched scan finds plain is sealed by the scan itself.
    await sealArchive(source.archiveDir, recipient);
    expect(await keepArchiveWatched(source.clusterId!, () => {})).toBe(true);
    const seconds: number[] = [];
    const sha256s = new Map<string, string>();
    const client = await source.connect();
    try {
      for (let i = 0; i < 5; i += 1) {
        await client.query("insert into races (at) select now() from generate_series(1, 100)");
        const { rows } = await client.query<{ wal: string }>(
          "select pg_walfile_name(pg_switch_wal()) as wal",
        );
        const switchedAt = Date.now();
        const name = rows[0]!.wal;
        await waitFor(`${name}.age`, () =>
          fs.stat(path.join(source.archiveDir, `${name}.age`)).then(
            () => true,
            () => false,
          ),
        );
        seconds.push((Date.now() - switchedAt) / 1000);
        await waitFor(`${name} gone`, () =>
          fs.stat(path.join(source.archiveDir, name)).then(
            () => false,
            () => true,
          ),
        );
        sha256s.set(name, (await readSealedFacts(source.archiveDir, name)).sha256);
      }
    } finally {
      await client.end();
    }
    console.log(`[h2] seconds from pg_switch_wal to <segment>.age (watched archive): ${seconds.join(", ")}`);
    expect(Math.max(...seconds)).toBeLessThan(5);
    await expectSealed(source.archiveDir, sha256s);
    stopArchiveWatches();
  }, 120_000);

  it("seals a 16 MiB segment (the default size) moved into the watched archive within seconds", async () => {
    const sandbox = inject("sandbox");
    const name = await withSandboxPrimary(async (client) => {
      await client.query("select txid_current()");
      const wal = await switchWal(client);
      await waitForArchived(sandbox.cluster.archiveDir, wal);
      return wal;
    });
    const folder = path.join(dir, "watched-16");
    await fs.mkdir(folder, { mode: 0o700 });
    await db().cluster.update({
      where: { id: source.clusterId! },
      data: { archivePath: folder, localEncryptionEnabled: true, localEncryptionRecipient: recipient },
    });
    expect(await keepArchiveWatched(source.clusterId!, () => {})).toBe(true);
    // As archive_command does: a hidden temporary copy, renamed to the segment's name.
    await fs.copyFile(path.join(sandbox.cluster.archiveDir, name), path.join(folder, `.${name}.tmp`));
    const sha256 = await sha256File(path.join(folder, `.${name}.tmp`));
    const movedAt = Date.now();
    await fs.rename(path.join(folder, `.${name}.tmp`), path.join(folder, name));
    await waitFor(`${name} sealed`, async () => !(await fs.readdir(folder)).includes(name));
    const seconds = (Date.now() - movedAt) / 1000;
    console.log(`[h2] seconds a 16 MiB segment stayed plain in the watched archive: ${seconds}`);
    expect(seconds).toBeLessThan(5);
    await expectSealed(folder, new Map([[name, sha256]]));
    stopArchiveWatches();
    await db().cluster.update({ where: { id: source.clusterId! }, data: { archivePath: source.archiveDir } });
  }, 120_000);

  it("ships a segment it listed plain and found sealed before reading it: sealed, as stored, nothing failed", async () => {
    const clusterId = source.clusterId!;
    await db().cluster.update({ where: { id: clusterId }, data: { localEncryptionEnabled: false } });
    // Plain segments the run lists, then sealed under it at the hook.
    const names = await archiveSegments(3);
    const s3 = await startS3Server({ port: S3_PORT, directory: path.join(dir, "s3"), buckets: ["races"] });
    const settings = s3.settings("races", "walden");
    const repository = new S3Repository(settings);
    try {
      await db().offsiteRepository.create({ data: { clusterId, ...toOffsiteRow(settings) } });
      const held: string[] = [];
      const shipped = await shipWalOffsite(clusterId, {
        retry: { attempts: 1 },
        beforeUpload: async (segment) => {
          if (segment !== names[0]) return;
          // The sealer runs between the listing and the read: every plain segment goes.
          held.push(...(await sealArchive(source.archiveDir, recipient)).sealed);
        },
      });
      expect(held).toEqual(expect.arrayContaining(names));
      expect(shipped.segments).toEqual(expect.arrayContaining(names));
      const prefix = `${offsiteWalPrefix(`sealed-races-${run}`)}/`;
      for (const name of names) {
        const facts = await readSealedFacts(source.archiveDir, name);
        expect(await repository.head(`${prefix}${name}`), name).toMatchObject({
          encryption: "age",
          ageRecipient: recipient,
          plaintextSha256: facts.sha256,
          sha256: await sha256File(path.join(source.archiveDir, `${name}.age`)),
        });
        const out = path.join(dir, `offsite-${name}`);
        await repository.getFile(`${prefix}${name}`, out, { identity });
        expect(await sha256File(out)).toBe(facts.sha256);
        await fs.rm(out);
      }
    } finally {
      repository.close();
      await s3.stop();
    }
  }, 120_000);
});
