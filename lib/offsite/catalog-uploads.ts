import { db } from "@/lib/db";
import type { RecordedUpload, UploadLedger, UploadSlot } from "./upload-ledger";

// The upload ledger (upload-ledger.ts) in the catalog: offsite_uploads, one row per object being
// uploaded, and offsite_upload_parts, one row per part the storage answered for. A worker that
// restarts (or another one that takes the job over) finds the upload here, confirms its parts
// with ListParts, and sends only the others.

const slotWhere = (slot: UploadSlot) => ({
  endpoint: slot.endpoint,
  bucket: slot.bucket,
  objectKey: slot.key,
});

/** A recorded upload no try continued for this long is forgotten. */
const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

export const catalogUploads: UploadLedger = {
  async find(slot) {
    const row = await db().offsiteUpload.findUnique({
      where: { endpoint_bucket_objectKey: slotWhere(slot) },
      include: { parts: { orderBy: { partNumber: "asc" } } },
    });
    if (!row) return null;
    const upload: RecordedUpload = {
      handle: row.id,
      uploadId: row.uploadId,
      partSize: Number(row.partSize),
      plaintextSha256: row.plaintextSha256,
      parts: row.parts.map((part) => ({
        partNumber: part.partNumber,
        etag: part.etag,
        sizeBytes: Number(part.sizeBytes),
        checksum: part.checksum,
      })),
    };
    return upload;
  },

  async begin(slot, upload) {
    const fields = {
      uploadId: upload.uploadId,
      partSize: BigInt(upload.partSize),
      plaintextSha256: upload.plaintextSha256,
    };
    return db().$transaction(async (tx) => {
      // This key's earlier upload, and any a week old that no try continued (a backup since
      // removed, a repository changed): the lifecycle rule for incomplete uploads removes their parts.
      await tx.offsiteUpload.deleteMany({
        where: { OR: [slotWhere(slot), { createdAt: { lt: new Date(Date.now() - STALE_AFTER_MS) } }] },
      });
      const row = await tx.offsiteUpload.create({ data: { ...slotWhere(slot), ...fields } });
      return row.id;
    });
  },

  async recordPart(handle, part) {
    const fields = { etag: part.etag, sizeBytes: BigInt(part.sizeBytes), checksum: part.checksum };
    await db().offsiteUploadPart.upsert({
      where: { uploadRowId_partNumber: { uploadRowId: handle, partNumber: part.partNumber } },
      create: { uploadRowId: handle, partNumber: part.partNumber, ...fields },
      update: fields,
    });
  },

  async forget(handle) {
    await db().offsiteUpload.deleteMany({ where: { id: handle } });
  },
};
