import fs from "node:fs/promises";
import path from "node:path";
import type { SegmentCommits } from "./segment-commits";

// The names of a WAL archive encrypted at rest (sealed-wal.ts seals it): a complete segment
// `<segment>` becomes `<segment>.age` (age v1, `age -d -i key.txt` opens it) beside a small
// plain facts file `<segment>.age.json`: the plaintext's size and SHA-256, the recipient it was
// sealed to, and its commits' summary read with pg_waldump before sealing (count, first and
// last: xid, LSN, time). The facts are in the clear on purpose, as shipped segments' object
// metadata are: they say when and how much the database was written, not what, and they let
// the restore window be computed without the key.

export const SEALED_SUFFIX = ".age";
export const FACTS_SUFFIX = ".age.json";

export interface SealedWalFacts {
  /** Plaintext size in bytes (the cluster's segment size). */
  bytes: number;
  /** SHA-256 of the plaintext segment. */
  sha256: string;
  /** The age recipient it was sealed to ("age1…"): which key opens it. */
  recipient: string;
  /** Its commits, read before sealing; null when pg_waldump could not read them. */
  commits: SegmentCommits | null;
  sealedAt: string;
}

/** `<name>.age` → `<name>`; null for any other name. */
export function unsealedName(file: string): string | null {
  return file.endsWith(SEALED_SUFFIX) ? file.slice(0, -SEALED_SUFFIX.length) : null;
}

/**
 * The WAL file name an archive entry stands for: the name itself, or the segment a `.age` or
 * `.age.json` belongs to (what retention prunes by).
 */
export function walNameOf(file: string): string {
  if (file.endsWith(FACTS_SUFFIX)) return file.slice(0, -FACTS_SUFFIX.length);
  return unsealedName(file) ?? file;
}

function isFacts(value: unknown): value is SealedWalFacts {
  const facts = value as SealedWalFacts | null;
  return (
    typeof facts?.bytes === "number" &&
    typeof facts.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(facts.sha256) &&
    typeof facts.recipient === "string" &&
    facts.recipient.startsWith("age1")
  );
}

/** The facts of a sealed segment (`<dir>/<name>.age.json`); throws when missing or malformed. */
export async function readSealedFacts(dir: string, name: string): Promise<SealedWalFacts> {
  const file = path.join(dir, `${name}${FACTS_SUFFIX}`);
  const parsed: unknown = JSON.parse(await fs.readFile(file, "utf8"));
  if (!isFacts(parsed)) throw new Error(`${file} is not a sealed segment's facts file`);
  return parsed;
}

const exists = (file: string) =>
  fs.stat(file).then(
    (info) => info.isFile(),
    () => false,
  );

/** Whether the archive holds `name`, plain or sealed (a backup's WAL check, the runbook's). */
export async function archivedWalExists(dir: string, name: string): Promise<boolean> {
  return (await exists(path.join(dir, name))) || (await exists(path.join(dir, `${name}${SEALED_SUFFIX}`)));
}

/**
 * The recipients the sealed segments from `fromWal` on were sealed to, read from the first and
 * the last of them (a key changes rarely; a restore checks every segment's as it decrypts it).
 * What a request-time check needs without reading thousands of facts files.
 */
export async function sealedWalRecipients(archiveDir: string, fromWal: string): Promise<string[]> {
  const names = (await fs.readdir(archiveDir).catch(() => []))
    .map((file) => unsealedName(file))
    .filter(
      (name): name is string =>
        name !== null && /^[0-9A-F]{24}$/.test(name) && name.slice(8) >= fromWal.slice(8),
    )
    .sort();
  const ends = [...new Set([names[0], names.at(-1)])].filter((name): name is string => !!name);
  const recipients = await Promise.all(
    ends.map((name) => readSealedFacts(archiveDir, name).then((facts) => facts.recipient)),
  );
  return [...new Set(recipients)];
}
