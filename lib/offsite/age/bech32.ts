// Bech32 (BIP 173), the text form of age keys: "age1…" recipients and "AGE-SECRET-KEY-1…"
// identities. Like age itself, no 90-character limit (an identity is 74 characters long).

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    GENERATOR.forEach((generator, bit) => {
      if ((top >>> bit) & 1) checksum ^= generator;
    });
  }
  return checksum >>> 0;
}

function expandPrefix(prefix: string): number[] {
  const codes = [...prefix].map((char) => char.charCodeAt(0));
  return [...codes.map((code) => code >>> 5), 0, ...codes.map((code) => code & 31)];
}

/** Regroups bits: bytes (8) into bech32 digits (5) and back; reading back refuses leftover bits. */
function regroup(values: ArrayLike<number>, fromBits: number, toBits: number, pad: boolean): number[] | null {
  let accumulator = 0;
  let bits = 0;
  const out: number[] = [];
  const mask = (1 << toBits) - 1;
  for (const value of Array.from(values)) {
    accumulator = (accumulator << fromBits) | value;
    bits += fromBits;
    while (bits >= toBits) {
      bits -= toBits;
      out.push((accumulator >>> bits) & mask);
    }
    accumulator &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((accumulator << (toBits - bits)) & mask);
  } else if (bits >= fromBits || accumulator !== 0) {
    return null;
  }
  return out;
}

/** Lower-case bech32 of `data` under the human-readable `prefix`. */
export function bech32Encode(prefix: string, data: Uint8Array): string {
  const digits = regroup(data, 8, 5, true)!;
  const checksumValue = polymod([...expandPrefix(prefix), ...digits, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((index) => (checksumValue >>> (5 * (5 - index))) & 31);
  return `${prefix}1${[...digits, ...checksum].map((digit) => CHARSET[digit]).join("")}`;
}

/** The prefix (lower case) and bytes of a bech32 string, or null when it is not valid bech32. */
export function bech32Decode(text: string): { prefix: string; data: Uint8Array } | null {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return null;
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf("1");
  if (separator < 1 || lower.length - separator - 1 < 6) return null;
  const prefix = lower.slice(0, separator);
  if ([...prefix].some((char) => char.charCodeAt(0) < 33 || char.charCodeAt(0) > 126)) return null;
  const digits = [...lower.slice(separator + 1)].map((char) => CHARSET.indexOf(char));
  if (digits.some((digit) => digit < 0)) return null;
  if (polymod([...expandPrefix(prefix), ...digits]) !== 1) return null;
  const bytes = regroup(digits.slice(0, -6), 5, 8, false);
  return bytes ? { prefix, data: Uint8Array.from(bytes) } : null;
}
