import {
  compareSegments,
  DEFAULT_WAL_SEGMENT_SIZE,
  isValidSegmentSize,
  parseWalFileName,
  type WalSegmentId,
} from "@/lib/wal/segments";
import type { S3Repository } from "./s3-repository";
import { offsiteWalPrefix } from "./stored-settings";

// What the offsite WAL folder holds, from its listing alone (names and sizes): pure S3 reads, so
// the web's runbook can use it without reaching pg_waldump or any other program.

export const SEGMENT = /^[0-9A-F]{24}$/;
export const HISTORY = /^[0-9A-F]{8}\.history$/;
/** age seals each 64 KiB of plaintext with a 16-byte tag, after a header and a 16-byte nonce. */
const AGE_CHUNK = 64 * 1024;
const AGE_MAX_HEADER = 4096;

/**
 * The WAL segment size an object of `bytes` holds: its own size, or the plaintext of an age
 * ciphertext (one 16-byte tag per 64 KiB, plus a header of a few hundred bytes). Null otherwise.
 */
export function segmentSizeOfObject(bytes: number): number | null {
  if (isValidSegmentSize(bytes)) return bytes;
  for (let size = 1024 * 1024; size <= 1024 * 1024 * 1024; size *= 2) {
    const tags = 16 * (size / AGE_CHUNK);
    const overhead = bytes - size;
    if (overhead >= tags + 16 && overhead <= tags + 16 + AGE_MAX_HEADER) return size;
  }
  return null;
}

export interface OffsiteWalListing {
  /** Key prefix of the cluster's WAL, relative to the repository's prefix ("<cluster>/wal/"). */
  prefix: string;
  segmentSize: number;
  /** Segments in WAL order, with the object's size. */
  segments: (WalSegmentId & { objectBytes: number })[];
  historyNames: string[];
  /** Objects that are neither segments nor history files. */
  ignored: number;
}

/** The cluster's offsite WAL as listed: every object there is whole (uploads are atomic). */
export async function listOffsiteWal(
  repository: S3Repository,
  clusterName: string,
): Promise<OffsiteWalListing> {
  const prefix = `${offsiteWalPrefix(clusterName)}/`;
  const objects = (await repository.list(prefix)).map((object) => ({
    name: object.key.slice(prefix.length),
    bytes: object.sizeBytes,
  }));
  const counts = new Map<number, number>();
  for (const object of objects.filter((o) => SEGMENT.test(o.name))) {
    const size = segmentSizeOfObject(object.bytes);
    if (size) counts.set(size, (counts.get(size) ?? 0) + 1);
  }
  const segmentSize = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? DEFAULT_WAL_SEGMENT_SIZE;
  const segments: OffsiteWalListing["segments"] = [];
  let ignored = 0;
  for (const object of objects) {
    const parsed = SEGMENT.test(object.name) ? parseWalFileName(object.name, segmentSize) : null;
    if (parsed?.kind === "segment")
      segments.push({
        name: parsed.name,
        timeline: parsed.timeline,
        segno: parsed.segno,
        objectBytes: object.bytes,
      });
    else if (!HISTORY.test(object.name)) ignored += 1;
  }
  return {
    prefix,
    segmentSize,
    segments: segments.sort(compareSegments),
    historyNames: objects.filter((o) => HISTORY.test(o.name)).map((o) => o.name),
    ignored,
  };
}
