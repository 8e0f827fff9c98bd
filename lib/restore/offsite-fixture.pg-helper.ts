import fs from "node:fs/promises";
import path from "node:path";
import { expect, inject } from "vitest";
import { sealLocalIdentity } from "@/lib/backup/at-rest";
import { copyBackupOffsite } from "@/lib/backup/offsite-copy";
import { db } from "@/lib/db";
import type { AgeKeyPair } from "@/lib/offsite/age";
import { toOffsiteRow } from "@/lib/offsite/stored-settings";
import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { sealArchive } from "@/lib/wal/sealed-wal";
import { parseWalFileName, walFileName } from "@/lib/wal/segments";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { registerSandboxCluster, takePhysicalBackup, withSandboxPrimary } from "@/test/sandbox-cluster";
import type { S3TestServer } from "@/test/s3-server";

// The pg tests' offsite copy (issue 14): what a restore from the offsite copy alone starts from.
// Each cluster's archive folder is a link to the sandbox's archive, so deleting it (loseLocalCopy)
// removes Walden's way in without touching the sandbox. For *.pg.test.ts files only.

export interface OffsiteCluster {
  clusterId: string;
  backupId: string;
  archiveLink: string;
  table: string;
  md5Sql: string;
  md5Updated: string;
  afterUpdate: string;
  deleteXid: string;
}

/**
 * A cluster registered on the sandbox with its own archive link and repository, an offsite
 * repository on `s3` (age-encrypted to `key` when given), a table changed twice after a physical
 * backup (an UPDATE, then a DELETE whose xid is kept), the backup copied offsite and its WAL
 * shipped from the backup's first segment (the sandbox's older WAL is not this test's). With
 * `atRest`, the cluster's local encryption is on before the backup (at-rest.ts), so the backup
 * holds only <file>.age and its offsite copy is that ciphertext; `held` lets Walden hold the key.
 * With `sealWal`, the archive link becomes a folder of the cluster's own holding the WAL from the
 * backup's start, sealed at rest to that key (lib/wal/sealed-wal.ts) before it is shipped: its
 * segments go offsite as their age bytes, whatever the repository's setting; with `held` (and no
 * `atRest`), the cluster's local encryption is turned on to that key after the backup, Walden holding it.
 */
export async function offsiteCluster(options: {
  root: string;
  run: string;
  s3: S3TestServer;
  bucket: string;
  label: string;
  key?: AgeKeyPair;
  atRest?: { key: AgeKeyPair; held?: boolean };
  sealWal?: { key: AgeKeyPair; held?: boolean };
}): Promise<OffsiteCluster> {
  const { root, run, s3, label, key } = options;
  const sandbox = inject("sandbox");
  const dir = path.join(root, label);
  await fs.mkdir(dir, { recursive: true });
  const archiveLink = path.join(dir, "archive");
  await fs.symlink(sandbox.cluster.archiveDir, archiveLink);
  const clusterId = await registerSandboxCluster(`offsite-${label}-${run}`, {
    archivePath: archiveLink,
    repositoryPath: path.join(dir, "repository"),
  });
  const settings = s3.settings(options.bucket, `walden-${label}`);
  await db().offsiteRepository.create({
    data: {
      clusterId,
      ...toOffsiteRow(
        key ? { ...settings, encryption: { enabled: true, recipient: key.recipient } } : settings,
      ),
    },
  });
  if (options.atRest)
    await db().cluster.update({
      where: { id: clusterId },
      data: {
        localEncryptionEnabled: true,
        localEncryptionRecipient: options.atRest.key.recipient,
        localEncryptionIdentityEncrypted: options.atRest.held
          ? sealLocalIdentity(options.atRest.key.identity)
          : null,
      },
    });
  const table = `offsite_${label}_${run}`;
  const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;
  await withSandboxPrimary(async (client) => {
    await client.query(`create table ${table} (id int primary key, amount int not null)`);
    await client.query(`insert into ${table} select g, g * 10 from generate_series(1, 1000) g`);
  });
  const backupId = await takePhysicalBackup(clusterId);
  expect(await copyBackupOffsite(backupId)).toMatchObject({ ok: true });
  const facts = await withSandboxPrimary(async (client) => {
    await client.query(`update ${table} set amount = amount * 2 where id <= 300`);
    const md5Updated = (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
    const afterUpdate = (await client.query<{ t: Date }>("select clock_timestamp() as t")).rows[0]!.t;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await client.query("begin");
    await client.query(`delete from ${table} where id > 900`);
    const xid = (await client.query<{ xid: string }>("select txid_current()::text as xid")).rows[0]!.xid;
    await client.query("commit");
    await client.query("create temporary table offsite_tick (x int); drop table offsite_tick");
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
    return { md5Updated, afterUpdate: afterUpdate.toISOString(), deleteXid: xid };
  });
  const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
  const start = parseWalFileName(backup.startWal!);
  if (start.kind !== "segment") throw new Error(`not a segment: ${backup.startWal}`);
  await db().offsiteWalPosition.create({
    data: {
      clusterId,
      timeline: start.timeline,
      lastSegment: walFileName(start.timeline, start.segno - 1),
      lastSegmentArchivedAt: new Date(),
      historyShipped: true,
    },
  });
  if (options.sealWal) {
    await sealedArchiveCopy(archiveLink, backup.startWal!, options.sealWal.key.recipient);
    // Turned on after the backup (a plain backup, its WAL sealed), Walden holding the key when `held`.
    if (options.sealWal.held && !options.atRest)
      await db().cluster.update({
        where: { id: clusterId },
        data: {
          localEncryptionEnabled: true,
          localEncryptionRecipient: options.sealWal.key.recipient,
          localEncryptionIdentityEncrypted: sealLocalIdentity(options.sealWal.key.identity),
        },
      });
  }
  expect((await shipWalOffsite(clusterId)).segments).toContain(backup.startWal);
  return { clusterId, backupId, archiveLink, table, md5Sql, ...facts };
}

/** The link replaced by a folder with the sandbox's WAL from `startWal` on (and its history files), sealed to `recipient`. */
async function sealedArchiveCopy(archiveLink: string, startWal: string, recipient: string): Promise<void> {
  const source = await fs.realpath(archiveLink);
  await fs.rm(archiveLink);
  await fs.mkdir(archiveLink, { mode: 0o700 });
  for (const name of await fs.readdir(source)) {
    const segment = /^[0-9A-F]{24}$/.test(name) && name.slice(8) >= startWal.slice(8);
    if (segment || /^[0-9A-F]{8}\.history$/.test(name))
      await fs.copyFile(path.join(source, name), path.join(archiveLink, name));
  }
  const sealed = await sealArchive(archiveLink, recipient);
  expect(sealed.problems).toEqual([]);
  expect(sealed.sealed).toContain(startWal);
}

/** The local copy gone: the backup's folder and Walden's way into the archive. */
export async function loseLocalCopy(fixture: OffsiteCluster): Promise<void> {
  const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
  await fs.rm(backup.path!, { recursive: true, force: true });
  // A link to the sandbox's archive (the link only goes), or the cluster's own sealed folder.
  await fs.rm(fixture.archiveLink, { recursive: true, force: true });
}
