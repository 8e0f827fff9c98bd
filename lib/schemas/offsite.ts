import { z } from "zod";

// An offsite repository on S3-compatible storage (AWS S3, MinIO, Ceph, R2, GCS interoperability),
// as PUT /api/v1/clusters/:id/repositories/offsite takes it. Every value reaches a URL or a
// request signature, so each is held to what the storage itself accepts, with a message that
// says what to type instead.

/** The storage's base URL: scheme, host and port only; the bucket and prefix are fields of their own. */
export const storageEndpointSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(2048, "is too long")
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({
        code: "custom",
        message: "must be an http(s) URL such as https://s3.eu-west-1.amazonaws.com or http://minio:9000",
      });
      return;
    }
    const problem =
      url.protocol !== "https:" && url.protocol !== "http:"
        ? "must start with https:// (or http:// for a storage on a trusted network)"
        : url.username || url.password
          ? "must not hold credentials: give them as the access key and secret"
          : url.search || url.hash
            ? "must not have a query (?…) or fragment (#…)"
            : url.pathname !== "/"
              ? "must be the storage's address only (no path): put the bucket and prefix in their own fields"
              : null;
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

/** AWS's bucket naming rules, which MinIO, Ceph and R2 follow too. */
export const bucketNameSchema = z
  .string()
  .trim()
  .min(3, "must be 3 to 63 characters")
  .max(63, "must be 3 to 63 characters")
  .regex(/^[a-z0-9.-]+$/, "use lowercase letters, digits, '.' and '-' only (no capitals, '_' or spaces)")
  .regex(/^[a-z0-9].*[a-z0-9]$/, "must start and end with a letter or a digit")
  .refine((value) => !value.includes(".."), "must not contain '..'")
  .refine((value) => !value.includes(".-") && !value.includes("-."), "must not have '-' next to '.'")
  .refine((value) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(value), "must not look like an IP address")
  .refine((value) => !value.startsWith("xn--"), "must not start with 'xn--' (reserved)")
  .refine(
    (value) => !/-s3alias$|--ol-s3$/.test(value),
    "must not end with '-s3alias' or '--ol-s3' (reserved)",
  );

/**
 * Where under the bucket Walden writes: "walden/prod". No leading slash, no '.' or '..'
 * segments, no empty segments; a trailing slash is dropped.
 */
export const keyPrefixSchema = z
  .string()
  .trim()
  .max(512, "must be at most 512 characters")
  .refine((value) => !value.startsWith("/"), "must not start with '/' (it is relative to the bucket)")
  .refine(
    (value) => /^[A-Za-z0-9!_.*'()/-]*$/.test(value),
    "use letters, digits and - _ . ! * ' ( ) / only (no spaces, no other punctuation)",
  )
  .transform((value) => value.replace(/\/+$/, ""))
  .refine((value) => !value.split("/").some((segment) => segment === ".." || segment === "."), {
    message: "must not contain '.' or '..' segments",
  })
  .refine((value) => !value.includes("//"), "must not contain empty segments ('//')");

/** An age X25519 recipient ("age1…", the public half of the key); the checksum is checked where it is used. */
export const ageRecipientSchema = z
  .string()
  .trim()
  .regex(
    /^age1[02-9ac-hj-np-z]{58}$/,
    "must be an age public key: 'age1' and 58 more letters and digits, as age-keygen prints after 'public key:'",
  );

const encryptionSchema = z
  .strictObject({
    enabled: z.boolean({ error: "must be true or false" }),
    recipient: ageRecipientSchema.optional(),
  })
  .refine((value) => !value.enabled || value.recipient, {
    message: "give the age public key (age1…) backups are encrypted to; keep its secret key elsewhere",
    path: ["recipient"],
  });

const offsiteRetentionSchema = z.strictObject({
  days: z
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "keep offsite copies at least 1 day")
    .max(3650, "must be at most 3650 days (10 years)"),
  minBackups: z
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "keep at least one physical backup offsite")
    .max(1000, "must be at most 1000"),
});

/** No whitespace or control characters: they cannot be part of a key and are always a paste accident. */
const credentialSchema = (name: string, max: number) =>
  z
    .string()
    .min(1, "is required")
    .max(max, `must be at most ${max} characters`)
    .refine(
      (value) => /^[\x21-\x7e]+$/.test(value),
      `the ${name} has spaces, line breaks or non-ASCII characters`,
    );

export const offsiteRepositorySchema = z.strictObject({
  kind: z.literal("s3", { error: "only 's3' (S3-compatible storage) is supported" }),
  endpoint: storageEndpointSchema,
  region: z
    .string()
    .trim()
    .min(1, "is required (for MinIO or Ceph usually us-east-1, for R2 'auto')")
    .max(64, "must be at most 64 characters")
    .regex(/^[a-z0-9-]+$/, "use lowercase letters, digits and '-' (like eu-west-1)"),
  bucket: bucketNameSchema,
  prefix: keyPrefixSchema.optional(),
  /** Path-style URLs (endpoint/bucket/key), which MinIO and most self-hosted storage need. */
  forcePathStyle: z.boolean({ error: "must be true or false" }).optional(),
  accessKeyId: credentialSchema("access key ID", 128),
  secretAccessKey: credentialSchema("secret access key", 256),
  encryption: encryptionSchema.optional(),
  retention: offsiteRetentionSchema.optional(),
});

export type OffsiteRepositoryInput = z.input<typeof offsiteRepositorySchema>;
export type OffsiteRepositorySettings = z.output<typeof offsiteRepositorySchema>;

/** What GET …/repositories shows of an offsite repository: everything but the secret. */
export type OffsiteRepositoryView = Omit<OffsiteRepositorySettings, "secretAccessKey"> & { secretSet: true };

export type RepositoryCheckName = "write" | "read" | "list" | "delete";

/** POST …/repositories/offsite/test: each check, and in its message exactly what failed. */
export interface RepositoryTestResult {
  ok: boolean;
  checks: { name: RepositoryCheckName; ok: boolean; message: string }[];
}

/** GET /api/v1/clusters/:id/repositories: where a cluster's backups live, without any secret. */
export interface ClusterRepositories {
  local: {
    kind: "folder";
    path: string;
    /** The second local repository of the 3-2-1 copy, when the cluster has one. */
    secondary: { path: string; offsite: boolean } | null;
  };
  offsite: OffsiteRepositoryView | null;
}
