import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseChecksums, sha256File } from "@/lib/backup/checksum";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import { PRIVATE_FILE_MODE } from "@/lib/fs-private";
import { decrypt, identityOpens, keyFingerprint, recipientOf } from "@/lib/offsite/age";
import { parseHeader } from "@/lib/offsite/age/header";

// Backups encrypted at rest in the local repository (issue 14), as pgBackRest's repo encryption:
// every data file of a backup taken while the cluster's local encryption is on is streamed into
// `<file>.age` (age v1, X25519, to the cluster's recipient — `age --decrypt -i key.txt` opens it
// without Walden), fsynced, and its plaintext removed (at-rest-seal.ts: a physical backup's tars
// are sealed while pg_basebackup writes them). Two checksum lists stay beside them in
// plain text: SHA256SUMS (the plaintext's, sha256sum's format, what the backup's checksum is
// the digest of — unchanged by encryption, so a decrypted folder checks with `sha256sum -c`)
// and SHA256SUMS.ciphertext (the stored files', so the ciphertext is checkable without the key).
// The key: the recipient is public; the identity, when Walden holds it, is sealed under
// WALDEN_SECRET in the catalog (clusters.local_encryption_identity_encrypted), never in the
// repository. Restores, drills and verifications decrypt into their own staging folder first.

export const AGE_SUFFIX = ".age";
export const CIPHERTEXT_SUMS = "SHA256SUMS.ciphertext";
const AGE_MAGIC = "age-encryption.org/v1\n";
const IDENTITY_PURPOSE = "local-repository-age-identity";

export function sealLocalIdentity(identity: string): string {
  return encryptSecret(identity, env().WALDEN_SECRET, IDENTITY_PURPOSE);
}

export function openLocalIdentity(sealed: string): string {
  return decryptSecret(sealed, env().WALDEN_SECRET, IDENTITY_PURPOSE);
}

/** The cluster's local encryption as the backup needs it: the recipient, or null when it is off. */
export function localEncryptionRecipient(cluster: {
  localEncryptionEnabled: boolean;
  localEncryptionRecipient: string | null;
}): string | null {
  return cluster.localEncryptionEnabled && cluster.localEncryptionRecipient
    ? cluster.localEncryptionRecipient
    : null;
}

/** What GET …/repositories says of the cluster's local encryption (never the identity). */
export function localEncryptionView(cluster: {
  localEncryptionEnabled: boolean;
  localEncryptionRecipient: string | null;
  localEncryptionIdentityEncrypted: string | null;
}) {
  const recipient = cluster.localEncryptionRecipient;
  return {
    enabled: cluster.localEncryptionEnabled,
    recipient,
    fingerprint: recipient ? keyFingerprint(recipient) : null,
    keyHeldByWalden: Boolean(cluster.localEncryptionIdentityEncrypted),
  };
}

/** The cluster's local key when Walden holds it (WAL sealed at rest and shipped as is opens with it). */
export function heldLocalIdentity(cluster: {
  localEncryptionIdentityEncrypted: string | null;
}): string | null {
  return cluster.localEncryptionIdentityEncrypted
    ? openLocalIdentity(cluster.localEncryptionIdentityEncrypted)
    : null;
}

/**
 * The identity that opens a backup encrypted to `recipient`: the one the request brought, else
 * the one Walden holds for the cluster when it is that recipient's; null when neither.
 */
export function identityForBackup(
  recipient: string,
  given: string | undefined,
  cluster: { localEncryptionIdentityEncrypted: string | null },
): { identity: string; from: "request" | "held" } | null {
  if (given) return { identity: given, from: "request" };
  if (!cluster.localEncryptionIdentityEncrypted) return null;
  const held = openLocalIdentity(cluster.localEncryptionIdentityEncrypted);
  return recipientOf(held) === recipient ? { identity: held, from: "held" } : null;
}

/** Whether an identity opens files encrypted to `recipient` (what a 422 names when it does not). */
export function identityMatches(identity: string, recipient: string): boolean {
  // Any of its keys: one identity file may hold the backup's key and the offsite repository's.
  return identityOpens(identity, recipient);
}

class HashingPassThrough extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** Whether a backup folder holds encrypted files (its SHA256SUMS.ciphertext is there). */
export async function isEncryptedFolder(dir: string): Promise<boolean> {
  return fs.stat(path.join(dir, CIPHERTEXT_SUMS)).then(
    () => true,
    () => false,
  );
}

/**
 * Decrypts one `.age` file into `target` (private, created), checking the plaintext's SHA-256
 * against `expected` as it is written; returns the plaintext's size.
 */
export async function decryptFileChecked(
  source: string,
  target: string,
  identity: string,
  expected: { sha256: string; listedIn: string },
): Promise<number> {
  const hashing = new HashingPassThrough();
  await pipeline(
    decrypt(createReadStream(source), identity),
    hashing,
    createWriteStream(target, { mode: PRIVATE_FILE_MODE }),
  );
  if (hashing.hash.digest("hex") !== expected.sha256)
    throw new Error(
      `${path.basename(target)} decrypted to bytes whose SHA-256 differs from ${expected.listedIn}: the file is damaged`,
    );
  return hashing.bytes;
}

/**
 * Decrypts an encrypted backup folder into `into` (the job's own staging folder): each file its
 * SHA256SUMS names, from `<file>.age`, checked against the plaintext's SHA-256 as it is written;
 * SHA256SUMS and walden.json copied beside them. `into` then reads as the plain backup did.
 */
export async function decryptBackupFolder(
  dir: string,
  into: string,
  identity: string,
  log: (line: string) => void = () => {},
): Promise<void> {
  await fs.mkdir(into, { recursive: true, mode: 0o700 });
  const sums = parseChecksums(await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8"));
  let bytes = 0;
  for (const { sha256, file } of sums) {
    const target = path.join(into, file);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    bytes += await decryptFileChecked(path.join(dir, `${file}${AGE_SUFFIX}`), target, identity, {
      sha256,
      listedIn: "SHA256SUMS",
    });
  }
  // A backup folder chosen at run time (the hint keeps next build from tracing the whole project).
  for (const plain of ["SHA256SUMS", "walden.json"])
    await fs
      .copyFile(
        path.join(/* turbopackIgnore: true */ dir, plain),
        path.join(/* turbopackIgnore: true */ into, plain),
      )
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
  log(`decrypted ${sums.length} files (${bytes} bytes) into ${into}, each checked against SHA256SUMS`);
}

/**
 * What can be checked without the key: every file SHA256SUMS.ciphertext lists has that SHA-256
 * and begins with a well-formed age v1 header holding one X25519 stanza; every file SHA256SUMS
 * lists has its `.age` there. (age headers do not name their recipient: which key opens the
 * files is only provable with it.)
 */
export async function checkCiphertext(dir: string, log: (line: string) => void): Promise<void> {
  const cipherSums = parseChecksums(await fs.readFile(path.join(dir, CIPHERTEXT_SUMS), "utf8"));
  const plainSums = parseChecksums(await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8"));
  const listed = new Set(cipherSums.map((entry) => entry.file));
  for (const { file } of plainSums)
    if (!listed.has(`${file}${AGE_SUFFIX}`))
      throw new Error(`${file}${AGE_SUFFIX} is not in ${CIPHERTEXT_SUMS}: the folder is not whole`);
  for (const { sha256, file } of cipherSums) {
    const full = path.join(dir, file);
    if ((await sha256File(full)) !== sha256)
      throw new Error(`checksum mismatch for ${file}: the file changed or is corrupt`);
    const handle = await fs.open(full, "r");
    try {
      const head = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const header = parseHeader(head.subarray(0, bytesRead));
      if (!header || header.stanzas.filter((stanza) => stanza.type === "X25519").length !== 1)
        throw new Error(`${file} does not begin with an age header for one X25519 recipient`);
    } finally {
      await handle.close();
    }
  }
  log(
    `${CIPHERTEXT_SUMS} match (${cipherSums.length} files) and each file is an age v1 file for one X25519 recipient`,
  );
}

/** Whether a file begins as an age v1 file does (tests and the runbook's check). */
export async function startsAsAgeFile(file: string): Promise<boolean> {
  const handle = await fs.open(file, "r");
  try {
    const head = Buffer.alloc(AGE_MAGIC.length);
    await handle.read(head, 0, head.length, 0);
    return head.toString("latin1") === AGE_MAGIC;
  } finally {
    await handle.close();
  }
}
