import fs from "node:fs/promises";
import path from "node:path";
import { CIPHERTEXT_SUMS } from "@/lib/backup/at-rest";
import { parseChecksums, sha256File } from "@/lib/backup/checksum";
import type { CopyResult } from "@/lib/backup/copy";
import { claimCopy } from "@/lib/backup/copy-claim";
import { db } from "@/lib/db";
import { catalogUploads } from "@/lib/offsite/catalog-uploads";
import { retryWithBackoff, type RetryOptions } from "@/lib/offsite/retry";
import { isRetryable } from "@/lib/offsite/storage-errors";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings, offsiteBackupPrefix } from "@/lib/offsite/stored-settings";
import { describeEarlierCopies, putOffsiteDescriptors } from "@/lib/repository/offsite-descriptors";
import { offsiteCopyLocation } from "@/lib/repository/offsite-location";

// offsite.copy: a succeeded backup to the cluster's offsite repository (issue 14). Claimed like
// the second-repository copy (copy.ts: one running row per backup and destination, a unique
// index, and a heartbeat the reaper watches). Each file is streamed up with putFile, checked
// on the way against the backup's SHA256SUMS (and encrypted to the repository's age recipient
// when it says so), SHA256SUMS last, so a copy whose list is there is whole. A storage that
// goes away is waited for (retryWithBackoff: each file starts a fresh upload, and a multipart
// upload is only an object once complete); a wrong secret or a missing bucket fails at once,
// with the reason on the copy. Last come the descriptors (lib/repository/descriptor.ts): the
// backup's walden.json (written now from the catalog when the backup predates descriptors) and
// the cluster's walden-repository.json, in plain JSON so a fresh Walden can list the copy
// without the key; a copy whose descriptor is there is whole. Then the cluster's earlier copies
// that predate descriptors are described (lib/repository/offsite-descriptors.ts).
// A backup encrypted at rest in the local repository (lib/backup/at-rest.ts) is copied as
// stored: its <file>.age objects uploaded byte for byte (checked against SHA256SUMS.ciphertext),
// then both lists, SHA256SUMS last; its descriptor says it is encrypted to the backup's
// recipient. Such a copy opens with `age --decrypt` and the key, as the local folder does.
// A copy the offsite repository encrypts (each object, SHA256SUMS too, under its own name) gets
// a SHA256SUMS.ciphertext of its own, written last from the SHA-256 of each object's ciphertext
// hashed as it went up (putFile), so `sha256sum -c SHA256SUMS.ciphertext` checks it without a key.

export interface OffsiteCopyResult extends CopyResult {
  /** The storage was still away after every try: the job is worth running again later. */
  retryable?: boolean;
}

export interface OffsiteCopyOptions {
  retry?: Omit<RetryOptions, "onRetry">;
  /** Bytes of `file` sent so far (tests stop the storage mid-upload with it). */
  onProgress?: (file: string, bytesSent: number) => void;
  log?: (line: string) => void;
}

/** SHA256SUMS's lines ("<sha256>  <file>"), in its order. */
async function readSums(backupDir: string): Promise<{ sha256: string; file: string }[]> {
  return parseChecksums(await fs.readFile(path.join(backupDir, "SHA256SUMS"), "utf8"));
}

export async function copyBackupOffsite(
  backupId: string,
  workerId = `local:${process.pid}`,
  options: OffsiteCopyOptions = {},
): Promise<OffsiteCopyResult> {
  const backup = await db().backup.findUnique({ where: { id: backupId }, include: { cluster: true } });
  const settings = backup ? await getOffsiteSettings(backup.clusterId) : null;
  if (!backup || backup.status !== "succeeded" || !backup.path || !settings)
    return { ok: false, copyId: null };

  const keyPrefix = offsiteBackupPrefix(backup.cluster.name, backup.id);
  const location = offsiteCopyLocation(settings, backup.cluster.name, backup.id);
  // Idempotent by backup and place: a job delivered again after the copy finished does nothing.
  const done = await db().backupCopy.findFirst({
    where: { backupId, path: location, status: "succeeded" },
    select: { id: true },
  });
  if (done) return { ok: true, copyId: done.id };
  const claim = await claimCopy({ backupId, path: location, offsite: true, repository: "s3", workerId });
  if (!claim) return { ok: false, copyId: null, alreadyRunning: true };
  const copy = { id: claim.copyId };
  const repository = new S3Repository(settings);
  const log = options.log ?? (() => {});
  // Encrypted at rest locally (at-rest.ts): the ciphertext goes up as it is (never decrypted or
  // encrypted again), and the copy is encrypted to the backup's own recipient.
  const atRest = backup.encryptionRecipient;
  const encryptTo = atRest
    ? undefined
    : settings.encryption?.enabled
      ? settings.encryption.recipient
      : undefined;
  try {
    // The backup's checksum is the SHA-256 of its SHA256SUMS list: the list sent must be that one.
    const sumsPath = path.join(backup.path, "SHA256SUMS");
    const listChecksum = await sha256File(sumsPath);
    if (backup.checksum && listChecksum !== backup.checksum) {
      throw new Error("the backup's SHA256SUMS differs from the checksum recorded when it was taken");
    }
    // Encrypted at rest: the ciphertext list's own SHA-256 is kept on the copy (checked on fetch).
    const atRestChecksum = atRest ? await sha256File(path.join(backup.path, CIPHERTEXT_SUMS)) : null;
    const files = atRestChecksum
      ? [
          ...parseChecksums(await fs.readFile(path.join(backup.path, CIPHERTEXT_SUMS), "utf8")),
          { sha256: atRestChecksum, file: CIPHERTEXT_SUMS },
          { sha256: listChecksum, file: "SHA256SUMS" },
        ]
      : [...(await readSums(backup.path)), { sha256: listChecksum, file: "SHA256SUMS" }];
    let sizeBytes = 0;
    // Encrypted by the offsite repository: each object's ciphertext SHA-256, as sent.
    const sentCiphertext: string[] = [];
    for (const { sha256, file } of files) {
      const result = await retryWithBackoff(
        () =>
          repository.putFile(path.join(backup.path!, file), `${keyPrefix}/${file}`, {
            sha256,
            encryptTo,
            // Its SHA256SUMS.ciphertext (below) holds each ciphertext's SHA-256: no copy onto itself.
            recordCiphertextSha256: false,
            // In the catalog: a worker restarted mid-copy continues each upload where it stopped.
            uploads: catalogUploads,
            onProgress: (bytes) => options.onProgress?.(file, bytes),
          }),
        {
          ...options.retry,
          onRetry: ({ attempt, error, delayMs }) =>
            log(
              `offsite copy of ${file}: try ${attempt} failed (${(error as Error).message}); again in ${delayMs} ms`,
            ),
        },
      );
      sizeBytes += result.sizeBytes;
      if (encryptTo) sentCiphertext.push(`${result.sha256}  ${file}\n`);
    }
    // Its own SHA256SUMS.ciphertext (the objects as stored, SHA256SUMS too), as a backup
    // encrypted at rest has: the copy can be checked without the key, and its SHA-256 in the
    // catalog is checked before any object is trusted.
    const ciphertextChecksum = encryptTo
      ? (
          await retryWithBackoff(
            () =>
              repository.putBytes(`${keyPrefix}/${CIPHERTEXT_SUMS}`, Buffer.from(sentCiphertext.join(""))),
            options.retry,
          )
        ).sha256
      : atRestChecksum;
    const described = {
      id: backup.id,
      path: backup.path,
      checksum: backup.checksum,
      clusterName: backup.cluster.name,
    };
    await retryWithBackoff(() => putOffsiteDescriptors(repository, described, atRest ?? encryptTo), {
      ...options.retry,
      onRetry: ({ attempt, error, delayMs }) =>
        log(
          `offsite copy of the descriptors: try ${attempt} failed (${(error as Error).message}); again in ${delayMs} ms`,
        ),
    });
    await db().backupCopy.update({
      where: { id: copy.id },
      data: {
        status: "succeeded",
        checksum: listChecksum,
        ciphertextChecksum,
        sizeBytes: BigInt(sizeBytes),
        finishedAt: new Date(),
        // Every object was checked against SHA256SUMS on the way and its size read back (putFile).
        verifiedAt: new Date(),
      },
    });
    // Copies made before copies described themselves get their descriptors now; never fails this one.
    await describeEarlierCopies(repository, backup.cluster, log).catch((error: Error) =>
      log(`describing earlier offsite copies failed: ${error.message}`),
    );
    return { ok: true, copyId: copy.id };
  } catch (error) {
    await db().backupCopy.update({
      where: { id: copy.id },
      data: {
        status: "failed",
        error: `offsite copy to ${repository.description} failed: ${error instanceof Error ? error.message : String(error)}`,
        finishedAt: new Date(),
      },
    });
    return { ok: false, copyId: copy.id, retryable: isRetryable(error) };
  } finally {
    claim.release();
    repository.close();
  }
}
