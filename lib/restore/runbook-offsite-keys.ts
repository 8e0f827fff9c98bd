import { listOffsiteWal } from "@/lib/offsite/offsite-wal-listing";
import type { S3Repository } from "@/lib/offsite/s3-repository";

// Which keys the offsite WAL a runbook downloads is encrypted to, from the objects' own headers:
// segments sealed at rest were shipped as their age bytes (lib/wal/offsite-ship.ts), whatever
// the repository's setting, and say so (x-amz-meta-encryption, x-amz-meta-age-recipient).

/**
 * The recipients, other than the repository's own, that the first and the last segment from the
 * backup's start (up to `toWal` when known) are encrypted to: a key changes rarely, and the
 * script asks for a key itself should a segment in between name another.
 */
export async function offsiteWalRecipients(
  repository: S3Repository,
  clusterName: string,
  range: { fromWal: string; toWal?: string | null },
  repositoryRecipient: string | undefined,
): Promise<string[]> {
  const listing = await listOffsiteWal(repository, clusterName);
  const inRange = listing.segments.filter(
    (segment) =>
      segment.name.slice(8) >= range.fromWal.slice(8) &&
      (!range.toWal || segment.name.slice(8) <= range.toWal.slice(8)),
  );
  const ends = [...new Set([inRange[0]?.name, inRange.at(-1)?.name])].filter(
    (name): name is string => !!name,
  );
  const heads = await Promise.all(ends.map((name) => repository.head(`${listing.prefix}${name}`)));
  const recipients = heads
    .filter((head) => head?.encryption === "age" && head.ageRecipient)
    .map((head) => head!.ageRecipient!)
    .filter((recipient) => recipient !== repositoryRecipient);
  return [...new Set(recipients)];
}
