// Wall times in a chosen IANA time zone ↔ instants, for the restore form. The form takes the
// time as a person reads it off a clock in some zone ("2026-03-29T02:30:00" in Europe/Berlin)
// and the API takes an instant with an offset; Intl.DateTimeFormat knows each zone's rules, so
// the offset is found by asking it rather than by guessing. Pure: safe in the browser and tests.

/** "YYYY-MM-DDTHH:mm:ss", the value of <input type="datetime-local" step="1">. */
export type WallTime = string;

/** How a wall time maps to instants: once, twice (clocks set back) or never (clocks set forward). */
export type WallTimeKind = "exact" | "ambiguous" | "skipped";

export interface ZonedInstant {
  /** Milliseconds since the epoch. */
  ms: number;
  kind: WallTimeKind;
  /** The zone's offset from UTC at that instant, in minutes (east positive: Berlin in winter is 60). */
  offsetMinutes: number;
  /** For an ambiguous wall time: the other (later) instant it also names. */
  laterMs?: number;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      era: "short",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True when the runtime knows the zone ("UTC", "Europe/Berlin"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The clock fields a zone shows at an instant (whole seconds). */
function fieldsAt(ms: number, timeZone: string): Fields {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const era = parts.find((part) => part.type === "era")?.value;
  const year = get("year");
  return {
    year: era === "BC" || era === "B" ? 1 - year : year,
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** Fields read as if they were UTC: the "local epoch" of a wall time. */
function fieldsToUtcMs(fields: Fields): number {
  const date = new Date(0);
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return fieldsToUtcMs(fieldsAt(whole, timeZone)) - whole;
}

function parseWallTime(value: WallTime): Fields | null {
  const match = WALL_TIME.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fields = { year, month, day, hour, minute, second };
  // Reject 2026-02-30 and 24:00 rather than letting Date roll them over.
  const check = new Date(fieldsToUtcMs(fields));
  if (
    month < 1 ||
    month > 12 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    check.getUTCDate() !== day ||
    check.getUTCMonth() !== month - 1
  )
    return null;
  return fields;
}

const DAY = 86_400_000;

/**
 * The instant a wall time in a zone names. The offset is found by asking the zone at the
 * candidate instants (offsets a day before and after cover any one transition), then checking
 * that the zone really shows that wall time there:
 * - one match: exact;
 * - two (clocks set back, the hour repeats): ambiguous; the earlier is returned, as
 *   Temporal's "compatible" does, and `laterMs` is the other;
 * - none (clocks set forward, the hour does not exist): skipped; the time is read with the
 *   offset before the change, which lands as far after the gap as it was into it
 *   (02:30 on a spring-forward night in Berlin → 03:30 CEST), again as Temporal does.
 * Null when the text is not a wall time or the zone is unknown.
 */
export function zonedWallTimeToInstant(value: WallTime, timeZone: string): ZonedInstant | null {
  const fields = parseWallTime(value);
  if (!fields || !isValidTimeZone(timeZone)) return null;
  const local = fieldsToUtcMs(fields);
  const offsets = new Set([
    zoneOffsetMs(local - DAY, timeZone),
    zoneOffsetMs(local, timeZone),
    zoneOffsetMs(local + DAY, timeZone),
  ]);
  const matches = [...offsets]
    .map((offset) => local - offset)
    .filter((ms) => fieldsToUtcMs(fieldsAt(ms, timeZone)) === local)
    .sort((a, b) => a - b);
  const unique = matches.filter((ms, index) => index === 0 || ms !== matches[index - 1]);
  if (unique.length > 0) {
    const ms = unique[0]!;
    return {
      ms,
      kind: unique.length > 1 ? "ambiguous" : "exact",
      offsetMinutes: zoneOffsetMs(ms, timeZone) / 60_000,
      ...(unique.length > 1 ? { laterMs: unique.at(-1)! } : {}),
    };
  }
  const before = zoneOffsetMs(local - DAY, timeZone);
  const ms = local - before;
  return { ms, kind: "skipped", offsetMinutes: zoneOffsetMs(ms, timeZone) / 60_000 };
}

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, "0");

/** The wall time a zone shows at an instant, to the second ("YYYY-MM-DDTHH:mm:ss"). */
export function instantToZonedWallTime(ms: number, timeZone: string): WallTime {
  const f = fieldsAt(Math.floor(ms / 1000) * 1000, timeZone);
  const year = f.year < 0 ? `-${pad(f.year, 6)}` : pad(f.year, 4);
  return `${year}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
}

/** "+01:00", "-04:00", "+05:30", "+00:00". */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const minutes = Math.abs(Math.round(offsetMinutes));
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The instant as the API takes it: UTC to the second (milliseconds only when there are some), with Z. */
export function toUtcIso(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
}

/** "2026-03-29 03:30:00 (UTC+02:00)" — the instant as the zone's clock shows it, with its offset. */
export function formatInZone(ms: number, timeZone: string): string {
  const wall = instantToZonedWallTime(ms, timeZone).replace("T", " ");
  return `${wall} (UTC${formatOffset(zoneOffsetMs(ms, timeZone) / 60_000)})`;
}

/** A wall time for <input type="datetime-local">: the first whole second at or after the instant. */
export function wallTimeCeil(ms: number, timeZone: string): WallTime {
  return instantToZonedWallTime(Math.ceil(ms / 1000) * 1000, timeZone);
}

/** A wall time for <input type="datetime-local">: the last whole second at or before the instant. */
export function wallTimeFloor(ms: number, timeZone: string): WallTime {
  return instantToZonedWallTime(Math.floor(ms / 1000) * 1000, timeZone);
}

/** Zones most operators look for, shown first; the rest follow from the runtime's list. */
export const COMMON_TIME_ZONES = [
  "UTC",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Moscow",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Asia/Kolkata",
  "Asia/Shanghai",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
] as const;

/** Every zone the runtime knows (UTC first), or just the common ones where it cannot list them. */
export function allTimeZones(): string[] {
  const listed =
    typeof Intl.supportedValuesOf === "function"
      ? Intl.supportedValuesOf("timeZone")
      : [...COMMON_TIME_ZONES];
  return ["UTC", ...listed.filter((zone) => zone !== "UTC")];
}
