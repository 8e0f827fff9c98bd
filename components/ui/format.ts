// Number formats shared by tables, cards and charts. A fixed locale keeps the server render and
// the browser's hydration identical.

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

function number(value: number, maximumFractionDigits: number): string {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits }).format(value);
}

/** 1536 → "1.5 KiB". Binary units, labelled as such. */
export function formatBytes(value: number | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return empty;
  const sign = value < 0 ? "-" : "";
  let size = Math.abs(value);
  let unit = 0;
  while (size >= 1024 && unit < BYTE_UNITS.length - 1) {
    size /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${sign}${Math.round(size)} B`;
  return `${sign}${number(size, size < 10 ? 2 : size < 100 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** The exact count, for tooltips: "1,572,864 B". */
export function formatBytesExact(value: number | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return empty;
  return `${number(value, 0)} B`;
}

/** 0.34 → "340 ms", 12.3 → "12.3 s", 252 → "4 m 12 s", 7500 → "2 h 5 m", 200000 → "2 d 7 h". */
export function formatSeconds(value: number | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return empty;
  const sign = value < 0 ? "-" : "";
  const s = Math.abs(value);
  if (s === 0) return "0 s";
  if (s < 1) return `${sign}${Math.round(s * 1000)} ms`;
  if (s < 60) return `${sign}${number(s, s < 10 ? 2 : 1)} s`;
  return sign + coarse(s);
}

/** Whole units only, for "… ago": "12 s", "4 m 12 s", "2 h 5 m", "3 d 4 h". */
function coarse(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} m ${s % 60} s` : `${s / 60} m`;
  if (s < 86_400) {
    const minutes = Math.floor((s % 3600) / 60);
    return minutes ? `${Math.floor(s / 3600)} h ${minutes} m` : `${Math.floor(s / 3600)} h`;
  }
  const hours = Math.floor((s % 86_400) / 3600);
  return hours ? `${Math.floor(s / 86_400)} d ${hours} h` : `${Math.floor(s / 86_400)} d`;
}

/** How long before `now` the time `at` was, in words: "4 m 12 s ago" ("just now" under a second). */
export function formatAgo(at: string | Date, now: string | Date): string {
  const seconds = (new Date(now).getTime() - new Date(at).getTime()) / 1000;
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 1) return seconds > -1 ? "just now" : `in ${coarse(-seconds)}`;
  return `${coarse(seconds)} ago`;
}

/** "2026-11-26 14:03:12 UTC" (or "14:03:12 UTC" with `timeOnly`): for samples a second apart. */
export function formatUtcSeconds(value: string | Date | number, timeOnly = false): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = date.toISOString();
  return `${timeOnly ? iso.slice(11, 19) : iso.slice(0, 19).replace("T", " ")} UTC`;
}

export function formatCount(value: number | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return empty;
  return number(value, 0);
}
