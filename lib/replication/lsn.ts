// PostgreSQL LSNs ("16/B374D848") are 64-bit byte positions in the WAL stream.
// As bigint for exact arithmetic; lag sizes fit a JS number (2^53 bytes = 8 PiB).

import { LSN_PATTERN as lsnPattern } from "@/lib/schemas/common";

export function isLsn(value: string): boolean {
  return lsnPattern.test(value);
}

export function parseLsn(lsn: string): bigint {
  const match = lsnPattern.exec(lsn);
  if (!match) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(position: bigint): string {
  const hi = position >> 32n;
  const lo = position & 0xffffffffn;
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase().padStart(8, "0")}`;
}

/** Bytes from `behind` to `ahead`, never negative (a standby can briefly report past a stale primary read). */
export function lsnDiff(ahead: string | null, behind: string | null): number | null {
  if (!ahead || !behind) return null;
  const diff = parseLsn(ahead) - parseLsn(behind);
  return diff > 0n ? Number(diff) : 0;
}

/** The larger of two LSNs (nulls ignored). */
export function maxLsn(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return parseLsn(a) >= parseLsn(b) ? a : b;
}
