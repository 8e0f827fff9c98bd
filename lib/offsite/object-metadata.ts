// What Walden stores with each object it writes (S3 user metadata, x-amz-meta-*), so that an
// object says how to check it and how to read it without the catalog.

export interface WaldenObjectMetadata {
  /** SHA-256 of the object's bytes; for encrypted objects not known before the upload (see putFile). */
  sha256?: string;
  /** SHA-256 of the plaintext: the file the object was made from. */
  plaintextSha256?: string;
  /** "age" for objects encrypted with age (decrypt with `age -d -i key.txt`). */
  encryption?: "age";
  /** The age recipient ("age1…") it was encrypted to: which key opens it. */
  ageRecipient?: string;
}

const KEYS = {
  sha256: "sha256",
  plaintextSha256: "plaintext-sha256",
  encryption: "encryption",
  ageRecipient: "age-recipient",
} as const;

export function toS3Metadata(metadata: WaldenObjectMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, header] of Object.entries(KEYS) as [keyof WaldenObjectMetadata, string][]) {
    const value = metadata[field];
    if (value) out[header] = value;
  }
  return out;
}

export function fromS3Metadata(metadata: Record<string, string> | undefined): WaldenObjectMetadata {
  const read = (header: string) => metadata?.[header] || undefined;
  const encryption = read(KEYS.encryption);
  return {
    sha256: read(KEYS.sha256),
    plaintextSha256: read(KEYS.plaintextSha256),
    encryption: encryption === "age" ? "age" : undefined,
    ageRecipient: read(KEYS.ageRecipient),
  };
}
