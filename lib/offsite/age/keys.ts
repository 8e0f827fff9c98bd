import crypto from "node:crypto";
import { bech32Decode, bech32Encode } from "./bech32";

// age X25519 keys (age-encryption.org/v1): an identity is a 32-byte X25519 secret written
// "AGE-SECRET-KEY-1…", its recipient the public key written "age1…", both bech32, exactly as
// age-keygen writes them. The X25519 arithmetic is Node's (OpenSSL), so no key ever passes
// through a JavaScript big-number implementation.

const RECIPIENT_PREFIX = "age";
const IDENTITY_PREFIX = "age-secret-key-";
// DER wrappers that turn 32 raw bytes into the key objects node:crypto takes (RFC 8410).
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex");

export class AgeKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgeKeyError";
  }
}

export interface AgeKeyPair {
  /** "AGE-SECRET-KEY-1…": decrypts; never stored next to the data it protects. */
  identity: string;
  /** "age1…": encrypts; safe to store and show. */
  recipient: string;
}

export function x25519PrivateKey(secret: Uint8Array): crypto.KeyObject {
  return crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_X25519, secret]),
    format: "der",
    type: "pkcs8",
  });
}

export function x25519PublicKey(publicBytes: Uint8Array): crypto.KeyObject {
  return crypto.createPublicKey({
    key: Buffer.concat([SPKI_X25519, publicBytes]),
    format: "der",
    type: "spki",
  });
}

export function x25519PublicBytes(secret: Uint8Array): Buffer {
  const spki = crypto.createPublicKey(x25519PrivateKey(secret)).export({ format: "der", type: "spki" });
  return spki.subarray(SPKI_X25519.length);
}

/** X25519(secret, point); throws on a low-order point (an all-zero shared secret), as age requires. */
export function x25519(secret: Uint8Array, publicBytes: Uint8Array): Buffer {
  let shared: Buffer;
  try {
    shared = crypto.diffieHellman({
      privateKey: x25519PrivateKey(secret),
      publicKey: x25519PublicKey(publicBytes),
    });
  } catch {
    throw new AgeKeyError("the X25519 share is not a valid public key (low-order point)");
  }
  if (shared.every((byte) => byte === 0)) {
    throw new AgeKeyError("the X25519 share is not a valid public key (low-order point)");
  }
  return shared;
}

/** A new key pair, as `age-keygen` makes one. */
export function generateAgeKey(): AgeKeyPair {
  const secret = crypto.randomBytes(32);
  return {
    identity: bech32Encode(IDENTITY_PREFIX, secret).toUpperCase(),
    recipient: bech32Encode(RECIPIENT_PREFIX, x25519PublicBytes(secret)),
  };
}

/** The 32-byte public key of an "age1…" recipient. */
export function parseRecipient(recipient: string): Buffer {
  const decoded = bech32Decode(recipient.trim());
  if (!decoded || decoded.prefix !== RECIPIENT_PREFIX || decoded.data.length !== 32) {
    throw new AgeKeyError(
      "not an age X25519 recipient: expected 'age1' followed by 58 letters and digits, as `age-keygen` prints after 'public key:'",
    );
  }
  return Buffer.from(decoded.data);
}

/** The 32-byte secret of one "AGE-SECRET-KEY-1…" line. */
function parseIdentityLine(line: string): Buffer {
  const decoded = bech32Decode(line);
  if (!decoded || decoded.prefix !== IDENTITY_PREFIX || decoded.data.length !== 32) {
    throw new AgeKeyError(
      "not an age identity: expected a line 'AGE-SECRET-KEY-1…' as `age-keygen` writes it (the key file itself, or that line)",
    );
  }
  return Buffer.from(decoded.data);
}

/**
 * The secrets in an identity file as `age-keygen` writes it (comments and blank lines
 * allowed), or in a single "AGE-SECRET-KEY-1…" string.
 */
export function parseIdentities(text: string): Buffer[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  if (!lines.length) throw new AgeKeyError("the identity file holds no key (only comments or blank lines)");
  return lines.map(parseIdentityLine);
}

/** The recipient ("age1…") that encrypts to an identity: what `age-keygen -y` prints (for a file of several keys, the first's). */
export function recipientOf(identity: string): string {
  return recipientsOf(identity)[0]!;
}

/** The recipient of each key in an identity file, in its order: `age -d -i` tries every one. */
export function recipientsOf(identity: string): string[] {
  return parseIdentities(identity).map((secret) => bech32Encode(RECIPIENT_PREFIX, x25519PublicBytes(secret)));
}

/** Whether one of the identity's keys opens what was encrypted to `recipient` (false for text that is no identity). */
export function identityOpens(identity: string, recipient: string): boolean {
  try {
    return recipientsOf(identity).includes(recipient.trim());
  } catch (error) {
    if (error instanceof AgeKeyError) return false;
    throw error;
  }
}

/**
 * A short fingerprint of a key for escrow records, the same from the identity or its
 * recipient, recomputable without Walden:
 *   age-keygen -y key.txt | tr -d '\n' | sha256sum | cut -c1-16
 * shown in groups of four ("3f2a-91bc-07de-55a0").
 */
export function keyFingerprint(recipientOrIdentity: string): string {
  const text = recipientOrIdentity.trim();
  const recipient = text.toLowerCase().startsWith("age1") ? text : recipientOf(text);
  parseRecipient(recipient);
  const hex = crypto.createHash("sha256").update(recipient).digest("hex").slice(0, 16);
  return hex.match(/.{4}/g)!.join("-");
}

/** The text of an identity file, as `age-keygen -o key.txt` writes it. */
export function identityFileText(key: AgeKeyPair, createdAt = new Date()): string {
  const created = createdAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `# created: ${created}\n# public key: ${key.recipient}\n${key.identity}\n`;
}
