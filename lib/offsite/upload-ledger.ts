import { crc32 } from "node:zlib";

// Where an unfinished multipart upload stands: its upload id and the parts the storage answered
// for (number, ETag, size and a checksum of the bytes sent), so that a later try continues it
// instead of starting again (multipart-upload.ts). Kept in this process by default
// (processUploads); the catalog's ledger (catalog-uploads.ts) outlives a worker restart.

/** One object's place: the storage, the bucket and the full key. */
export interface UploadSlot {
  endpoint: string;
  bucket: string;
  key: string;
}

export interface RecordedPart {
  partNumber: number;
  /** As the storage answered it (quotes included): what CompleteMultipartUpload names the part by. */
  etag: string;
  sizeBytes: number;
  /** partChecksum of the bytes sent: a later try reuses the part only when it reads the same. */
  checksum: string;
}

export interface RecordedUpload {
  /** The ledger's own handle on this upload, for recordPart and forget. */
  handle: string;
  uploadId: string;
  partSize: number;
  /** The file the parts were read from: a later try of other bytes starts a new upload. */
  plaintextSha256: string;
  parts: RecordedPart[];
}

export interface UploadLedger {
  /** The upload an earlier try began for this slot, with its recorded parts; null when none. */
  find(slot: UploadSlot): Promise<RecordedUpload | null>;
  /** A new upload for the slot (replacing any earlier record); returns its handle. */
  begin(slot: UploadSlot, upload: Omit<RecordedUpload, "handle" | "parts">): Promise<string>;
  recordPart(handle: string, part: RecordedPart): Promise<void>;
  /** The upload completed or was given up: nothing to continue. */
  forget(handle: string): Promise<void>;
}

/**
 * CRC-32 of a part's bytes ("crc32:" and 8 hex digits): about three times cheaper than SHA-256
 * here, computed for every part sent; it catches a part read differently on a later try (the
 * whole file's SHA-256 is checked before the upload completes, the stored size and checksum after).
 */
export function partChecksum(data: Uint8Array): string {
  return `crc32:${crc32(data).toString(16).padStart(8, "0")}`;
}

export const slotName = (slot: UploadSlot) => `${slot.endpoint}\n${slot.bucket}\n${slot.key}`;

/** A ledger in this process's memory: a retry in the same process continues; a restart does not. */
export function memoryUploadLedger(): UploadLedger {
  const uploads = new Map<string, RecordedUpload>();
  return {
    async find(slot) {
      const found = uploads.get(slotName(slot));
      return found ? { ...found, parts: [...found.parts] } : null;
    },
    async begin(slot, upload) {
      const handle = `${slotName(slot)}\n${upload.uploadId}`;
      uploads.set(slotName(slot), { ...upload, handle, parts: [] });
      return handle;
    },
    async recordPart(handle, part) {
      const upload = [...uploads.values()].find((each) => each.handle === handle);
      if (!upload) return;
      upload.parts = upload.parts.filter((each) => each.partNumber !== part.partNumber).concat(part);
    },
    async forget(handle) {
      for (const [name, upload] of uploads) if (upload.handle === handle) uploads.delete(name);
    },
  };
}

/** The default ledger: this process's. */
export const processUploads = memoryUploadLedger();
