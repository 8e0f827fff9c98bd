import crypto from "node:crypto";
import { AgeKeyError, parseRecipient, x25519, x25519PublicBytes } from "./keys";

// The age v1 header (age-encryption.org/v1): the version line, one "X25519" stanza per
// recipient holding the file key wrapped to it, and an HMAC over all of it keyed from the
// file key, so that nothing in the header can be changed without the identity noticing.
//
//   age-encryption.org/v1
//   -> X25519 <ephemeral share, base64>
//   <wrapped file key, base64>
//   --- <header MAC, base64>

const VERSION_LINE = "age-encryption.org/v1";
const X25519_LABEL = "age-encryption.org/v1/X25519";
const FOOTER_PREFIX = "---";
/** Body lines are wrapped at 64 columns; a shorter (possibly empty) line ends a body. */
const BODY_COLUMNS = 64;
/** More than this without the footer is not an age header (or one Walden will not read). */
export const MAX_HEADER_BYTES = 64 * 1024;
const ZERO_NONCE = Buffer.alloc(12);

export class AgeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgeFormatError";
  }
}

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/=+$/, "");

/** Unpadded standard base64, canonical only (as age's Go implementation reads it). */
function fromBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, "base64");
  if (!/^[A-Za-z0-9+/]*$/.test(text) || toBase64(bytes) !== text) {
    throw new AgeFormatError(`the age header's ${what} is not canonical unpadded base64`);
  }
  return bytes;
}

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", ikm, salt, info, length));
}

function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = crypto.createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext, or null when the tag does not match (another key, or damaged data). */
export function chachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | null {
  if (sealed.length < 16) return null;
  const decipher = crypto.createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}

function headerMac(fileKey: Uint8Array, headerUpToFooter: string): Buffer {
  return crypto
    .createHmac("sha256", hkdf(fileKey, new Uint8Array(0), "header"))
    .update(headerUpToFooter)
    .digest();
}

function wrapBody(body: Uint8Array): string {
  const encoded = toBase64(body);
  const lines: string[] = [];
  for (let at = 0; at <= encoded.length; at += BODY_COLUMNS) lines.push(encoded.slice(at, at + BODY_COLUMNS));
  return lines.join("\n");
}

/** A header that gives `fileKey` to each recipient ("age1…"). */
export function encodeHeader(fileKey: Uint8Array, recipients: string[]): Buffer {
  if (!recipients.length) throw new AgeKeyError("at least one recipient is needed to encrypt");
  const stanzas = recipients.map((recipient) => {
    const recipientKey = parseRecipient(recipient);
    const ephemeral = crypto.randomBytes(32);
    const share = x25519PublicBytes(ephemeral);
    const wrapKey = hkdf(x25519(ephemeral, recipientKey), Buffer.concat([share, recipientKey]), X25519_LABEL);
    return `-> X25519 ${toBase64(share)}\n${wrapBody(chachaSeal(wrapKey, ZERO_NONCE, fileKey))}\n`;
  });
  const upToFooter = `${VERSION_LINE}\n${stanzas.join("")}${FOOTER_PREFIX}`;
  return Buffer.from(`${upToFooter} ${toBase64(headerMac(fileKey, upToFooter))}\n`, "latin1");
}

interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

export interface ParsedHeader {
  stanzas: Stanza[];
  /** The header's text from its start through "---", which the MAC covers. */
  upToFooter: string;
  mac: Buffer;
  /** Bytes of `data` the header takes, its final newline included. */
  length: number;
}

/**
 * The header at the start of `data`, or null when `data` ends before the header does (read
 * more). Throws when what is there is not an age v1 header.
 */
export function parseHeader(data: Buffer): ParsedHeader | null {
  let at = 0;
  const nextLine = (): string | null => {
    const end = data.indexOf(0x0a, at);
    if (end < 0) {
      if (data.length > MAX_HEADER_BYTES)
        throw new AgeFormatError("no age header end found in the first 64 KiB");
      return null;
    }
    const line = data.toString("latin1", at, end);
    at = end + 1;
    return line;
  };
  const version = nextLine();
  if (version === null) {
    if (data.length && !VERSION_LINE.startsWith(data.toString("latin1", 0, Math.min(data.length, 21)))) {
      throw notAgeFile(data);
    }
    return null;
  }
  if (version !== VERSION_LINE) throw notAgeFile(data);
  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = at;
    const line = nextLine();
    if (line === null) return null;
    if (line.startsWith(`${FOOTER_PREFIX} `)) {
      const upToFooter = data.toString("latin1", 0, lineStart + FOOTER_PREFIX.length);
      return { stanzas, upToFooter, mac: fromBase64(line.slice(4), "MAC"), length: at };
    }
    if (!line.startsWith("-> "))
      throw new AgeFormatError("the age header has a line that is neither a stanza nor its end");
    const [type = "", ...args] = line.slice(3).split(" ");
    if (!type || [type, ...args].some((word) => !/^[\x21-\x7e]+$/.test(word))) {
      throw new AgeFormatError("the age header has a malformed stanza line");
    }
    const bodyLines: string[] = [];
    for (;;) {
      const bodyLine = nextLine();
      if (bodyLine === null) return null;
      if (bodyLine.length > BODY_COLUMNS)
        throw new AgeFormatError("the age header has an over-long body line");
      bodyLines.push(bodyLine);
      if (bodyLine.length < BODY_COLUMNS) break;
    }
    stanzas.push({ type, args, body: fromBase64(bodyLines.join(""), "stanza body") });
  }
}

function notAgeFile(data: Buffer): AgeFormatError {
  const armored = data.toString("latin1", 0, 40).startsWith("-----BEGIN AGE ENCRYPTED FILE-----");
  return new AgeFormatError(
    armored
      ? "this is an ASCII-armored age file; Walden reads the binary form (decrypt it with `age -d`)"
      : "not an age-encrypted file (the first line is not 'age-encryption.org/v1')",
  );
}

/** The file key, unwrapped by one of `secrets`; the header's MAC is checked with it. */
export function unwrapFileKey(header: ParsedHeader, secrets: Buffer[]): Buffer {
  const x25519Stanzas = header.stanzas.filter((stanza) => stanza.type === "X25519");
  if (!x25519Stanzas.length) {
    const types = [...new Set(header.stanzas.map((stanza) => stanza.type))].join(", ");
    throw new AgeFormatError(`the file is encrypted with ${types || "no recipient"}, not to an X25519 key`);
  }
  for (const secret of secrets) {
    const ownPublic = x25519PublicBytes(secret);
    for (const stanza of x25519Stanzas) {
      if (stanza.args.length !== 1 || stanza.body.length !== 32) {
        throw new AgeFormatError("the age header has a malformed X25519 stanza");
      }
      const share = fromBase64(stanza.args[0]!, "X25519 share");
      if (share.length !== 32) throw new AgeFormatError("the age header has a malformed X25519 share");
      const wrapKey = hkdf(x25519(secret, share), Buffer.concat([share, ownPublic]), X25519_LABEL);
      const fileKey = chachaOpen(wrapKey, ZERO_NONCE, stanza.body);
      if (!fileKey) continue;
      const expected = headerMac(fileKey, header.upToFooter);
      if (expected.length !== header.mac.length || !crypto.timingSafeEqual(expected, header.mac)) {
        throw new AgeFormatError("the age header was changed after encryption (its MAC does not match)");
      }
      return fileKey;
    }
  }
  throw new AgeKeyError("no identity given matches this file: it was encrypted to another key");
}
