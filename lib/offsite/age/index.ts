import { pipeline, type Readable } from "node:stream";
import { AgeDecryptStream, AgeEncryptStream, AgeSealer } from "./stream";

// Encryption at rest in the age format (age-encryption.org/v1, X25519 recipients), so that a
// backup can be decrypted without Walden: `age -d -i key.txt backup.tar.age > backup.tar`.
// Written on node:crypto (OpenSSL's ChaCha20-Poly1305, X25519, HKDF) rather than a JavaScript
// cipher: about 8× the throughput of the pure-JS library, which matters for 10 GB backups.
// Interoperability is proven by the tests, which run Debian's `age` both ways.

export { AgeFormatError } from "./header";
export {
  AgeKeyError,
  generateAgeKey,
  identityFileText,
  identityOpens,
  keyFingerprint,
  parseRecipient,
  recipientOf,
  recipientsOf,
  type AgeKeyPair,
} from "./keys";
export { AgeDecryptStream, AgeEncryptStream, AgeSealer };

/** `source` encrypted to `recipient` ("age1…"), streamed: an error on either side ends both. */
export function encrypt(source: Readable, recipient: string | string[]): Readable {
  const encrypted = new AgeEncryptStream(Array.isArray(recipient) ? recipient : [recipient]);
  return pipeline(source, encrypted, () => {});
}

/** `source` decrypted with `identity` (an age-keygen key file's text, or its AGE-SECRET-KEY-1… line). */
export function decrypt(source: Readable, identity: string): Readable {
  return pipeline(source, new AgeDecryptStream(identity), () => {});
}
