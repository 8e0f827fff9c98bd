import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

// Secrets at rest (monitored-server passwords): AES-256-GCM with a key derived from
// WALDEN_SECRET. Stored as "v1.<iv>.<tag>.<ciphertext>" in base64url, so a future key
// rotation can add v2 beside it.
const VERSION = "v1";
const IV_BYTES = 12;

function deriveKey(secret: string): Buffer {
  if (secret.length < 32) throw new Error("WALDEN_SECRET must be at least 32 characters");
  return Buffer.from(hkdfSync("sha256", secret, "walden", "secret-encryption-v1", 32));
}

/** `purpose` is bound as associated data: a ciphertext copied to another purpose will not decrypt. */
export function encryptSecret(plaintext: string, secret: string, purpose: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(secret), iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, tag, ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function decryptSecret(stored: string, secret: string, purpose: string): string {
  const [version, iv, tag, ciphertext, ...rest] = stored.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined || rest.length > 0) {
    throw new Error("Stored secret has an unknown format");
  }
  const decipher = createDecipheriv("aes-256-gcm", deriveKey(secret), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
    "utf8",
  );
}

/** Opaque random credential (session cookie, API token body). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Session cookies and API tokens are stored only as this hash; they have 256 bits of entropy, so no salt is needed. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
