import { z } from "zod";
import { ageRecipientSchema, type ClusterRepositories } from "@/lib/schemas/offsite";
import { copyChoiceSchema } from "@/lib/schemas/restore";

// PUT /api/v1/clusters/:id/repositories/local (issue 14): the local repository's encryption at
// rest. Backups are age-encrypted to `recipient`; the optional `identity` (its secret key) lets
// Walden verify, drill and restore without being handed the key, and is kept sealed in the
// catalog, never in the repository folder.

/** An age X25519 identity, as age-keygen writes it (its AGE-SECRET-KEY-1… line). */
export const ageIdentitySchema = z
  .string()
  .trim()
  .regex(
    /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/i,
    "must be an age secret key: 'AGE-SECRET-KEY-1' and 58 more letters and digits, as in age-keygen's key file",
  );

export const localEncryptionSchema = z.strictObject({
  encryption: z
    .strictObject({
      enabled: z.boolean({ error: "must be true or false" }),
      recipient: ageRecipientSchema.optional(),
      /** null: Walden forgets the key it holds; absent: the held key stays if the recipient does. */
      identity: ageIdentitySchema.nullable().optional(),
    })
    .refine((value) => !value.enabled || value.recipient, {
      message: "give the age public key (age1…) backups are encrypted to; keep its secret key elsewhere",
      path: ["recipient"],
    }),
});

export type LocalEncryptionInput = z.infer<typeof localEncryptionSchema>;

/** What GET …/repositories says of the local encryption: never the identity itself. */
export interface LocalEncryptionView {
  enabled: boolean;
  recipient: string | null;
  /** keyFingerprint(recipient): the escrow record's check, "3f2a-91bc-07de-55a0". */
  fingerprint: string | null;
  /** Walden holds the identity (sealed), so verification, drills and restores can decrypt. */
  keyHeldByWalden: boolean;
}

export type ClusterRepositoriesWithEncryption = Omit<ClusterRepositories, "local"> & {
  local: ClusterRepositories["local"] & { encryption: LocalEncryptionView };
};

/**
 * The optional body of POST /api/v1/backups/:id/verify and POST /api/v1/clusters/:id/drills: the
 * copy to read, and the age identity that opens a backup encrypted at rest or an offsite copy
 * the repository encrypted (for this job only; else the key Walden holds): a key file's text,
 * which may hold several AGE-SECRET-KEY-1… lines (each object opens with whichever is its key).
 * Sealed at the edge, never returned, logged or audited.
 */
export const copyAndKeySchema = copyChoiceSchema.extend({
  identity: z.string().trim().min(1, "is empty").max(4000, "is too long for an age key file").optional(),
});
