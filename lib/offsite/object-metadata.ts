import type { CommitRecord, SegmentCommits } from "@/lib/wal/waldump";

// What Walden stores with each object it writes (S3 user metadata, x-amz-meta-*), so that an
// object says how to check it and how to read it without the catalog.
//
// A shipped WAL segment also carries its commit records' summary (how many, the first and the
// last: xid, LSN and time), read from the plaintext with pg_waldump when it was shipped, so that
// the offsite window of an encrypted repository is known without its key. Those are in the
// clear on purpose: commit times and positions say when the database was written, not what.

export interface WaldenObjectMetadata {
  /** SHA-256 of the object's bytes (an encrypted WAL segment's ciphertext: putFile seals it before the upload to know it). */
  sha256?: string;
  /** SHA-256 of the plaintext: the file the object was made from. */
  plaintextSha256?: string;
  /** "age" for objects encrypted with age (decrypt with `age -d -i key.txt`). */
  encryption?: "age";
  /** The age recipient ("age1…") it was encrypted to: which key opens it. */
  ageRecipient?: string;
  /** A WAL segment's commits, read from its plaintext when it was shipped. */
  walCommits?: SegmentCommits;
}

const KEYS = {
  sha256: "sha256",
  plaintextSha256: "plaintext-sha256",
  encryption: "encryption",
  ageRecipient: "age-recipient",
} as const;

const WAL_KEYS = {
  count: "wal-commit-count",
  first: "wal-first-commit",
  last: "wal-last-commit",
  unreadableTimes: "wal-unreadable-times",
} as const;

/** "xid lsn time" (all ASCII, as S3 metadata wants). */
const commitText = (commit: CommitRecord) => `${commit.xid} ${commit.lsn} ${commit.time}`;

function parseCommit(text: string | undefined): CommitRecord | null | undefined {
  if (!text) return null;
  const match = /^(\d+) ([0-9A-F]+\/[0-9A-F]+) (\S+)$/.exec(text);
  if (!match || Number.isNaN(Date.parse(match[3]!))) return undefined;
  return { xid: Number(match[1]), lsn: match[2]!, time: match[3]! };
}

export function toS3Metadata(metadata: WaldenObjectMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, header] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
    const value = metadata[field];
    if (value) out[header] = value;
  }
  const commits = metadata.walCommits;
  if (commits) {
    out[WAL_KEYS.count] = String(commits.count);
    out[WAL_KEYS.unreadableTimes] = String(commits.unreadableTimes);
    if (commits.first) out[WAL_KEYS.first] = commitText(commits.first);
    if (commits.last) out[WAL_KEYS.last] = commitText(commits.last);
  }
  return out;
}

/** The commits stored with a segment; undefined when none were stored (older objects) or they do not read. */
function readWalCommits(metadata: Record<string, string> | undefined): SegmentCommits | undefined {
  const count = metadata?.[WAL_KEYS.count];
  const unreadable = metadata?.[WAL_KEYS.unreadableTimes] ?? "0";
  if (!count || !/^\d+$/.test(count) || !/^\d+$/.test(unreadable)) return undefined;
  const first = parseCommit(metadata?.[WAL_KEYS.first]);
  const last = parseCommit(metadata?.[WAL_KEYS.last]);
  if (first === undefined || last === undefined) return undefined;
  return { count: Number(count), first, last, unreadableTimes: Number(unreadable) };
}

export function fromS3Metadata(metadata: Record<string, string> | undefined): WaldenObjectMetadata {
  const read = (header: string) => metadata?.[header] || undefined;
  const encryption = read(KEYS.encryption);
  return {
    sha256: read(KEYS.sha256),
    plaintextSha256: read(KEYS.plaintextSha256),
    encryption: encryption === "age" ? "age" : undefined,
    ageRecipient: read(KEYS.ageRecipient),
    walCommits: readWalCommits(metadata),
  };
}
