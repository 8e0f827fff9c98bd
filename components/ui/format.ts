// Number, size and duration formats shared by tables, cards and charts, in the console's
// languages. `formatFor(locale)` gives the set for one language (server code: the request's
// locale from next-intl's getLocale(); the worker: the recipient's); `useFormat()`
// (components/ui/use-format.ts) binds it to the page's locale in components. The plain exports
// below are the English set, for code not yet translated.
//
// The server render and the browser's hydration use the same locale (next-intl passes the
// request's to the browser), so both produce the same text. Times stay in UTC and in ISO order
// ("2026-11-26 14:03:12 UTC") in every language: operators in different zones and tools agree.

/** The console's languages (lib/i18n/locales.ts); anything else formats as English. */
type Locale = "en" | "ko";

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

interface Words {
  /** The BCP 47 tag for Intl: digits, grouping and decimal separator. */
  tag: string;
  /** Between a number and its unit: "4 m" in English, "4분" in Korean. */
  gap: string;
  units: { ms: string; s: string; m: string; h: string; d: string };
  justNow: string;
  ago: (span: string) => string;
  in: (span: string) => string;
}

const words: Record<Locale, Words> = {
  en: {
    tag: "en-US",
    gap: " ",
    units: { ms: "ms", s: "s", m: "m", h: "h", d: "d" },
    justNow: "just now",
    ago: (span) => `${span} ago`,
    in: (span) => `in ${span}`,
  },
  ko: {
    tag: "ko-KR",
    gap: "",
    units: { ms: "ms", s: "초", m: "분", h: "시간", d: "일" },
    justNow: "방금",
    ago: (span) => `${span} 전`,
    in: (span) => `${span} 후`,
  },
};

export interface Formatters {
  locale: Locale;
  /** 1536 → "1.5 KiB". Binary units, labelled as such. */
  formatBytes(value: number | null | undefined, empty?: string): string;
  /** The exact count, for tooltips: "1,572,864 B". */
  formatBytesExact(value: number | null | undefined, empty?: string): string;
  /** 0.34 → "340 ms", 12.3 → "12.3 s", 252 → "4 m 12 s" ("4분 12초"), 7500 → "2 h 5 m", 200000 → "2 d 7 h". */
  formatSeconds(value: number | null | undefined, empty?: string): string;
  /** How long before `now` the time `at` was: "4 m 12 s ago" / "4분 12초 전" ("just now" / "방금" under a second). */
  formatAgo(at: string | Date, now: string | Date): string;
  /** "2026-11-26 14:03:12 UTC" (or "14:03:12 UTC" with `timeOnly`): for samples a second apart. */
  formatUtcSeconds(value: string | Date | number, timeOnly?: boolean): string;
  /** 1234567 → "1,234,567". */
  formatCount(value: number | null | undefined, empty?: string): string;
  /** A plain number for the locale with at most `maximumFractionDigits` decimals. */
  formatNumber(value: number, maximumFractionDigits?: number): string;
}

const cache = new Map<Locale, Formatters>();

/** The formatters for one language (cached: cheap to call per render). */
export function formatFor(requested: string): Formatters {
  const locale: Locale = requested === "ko" ? "ko" : "en";
  const cached = cache.get(locale);
  if (cached) return cached;
  const w = words[locale];
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const number = (value: number, maximumFractionDigits: number): string => {
    let format = numberFormats.get(maximumFractionDigits);
    if (!format) {
      format = new Intl.NumberFormat(w.tag, { maximumFractionDigits });
      numberFormats.set(maximumFractionDigits, format);
    }
    return format.format(value);
  };
  const unit = (amount: string | number, name: keyof Words["units"]) => `${amount}${w.gap}${w.units[name]}`;

  /** Whole units only, for "… ago": "12 s", "4 m 12 s", "2 h 5 m", "3 d 4 h". */
  const coarse = (seconds: number): string => {
    const s = Math.floor(seconds);
    if (s < 60) return unit(s, "s");
    if (s < 3600) {
      const minutes = unit(Math.floor(s / 60), "m");
      return s % 60 ? `${minutes} ${unit(s % 60, "s")}` : minutes;
    }
    if (s < 86_400) {
      const hours = unit(Math.floor(s / 3600), "h");
      const minutes = Math.floor((s % 3600) / 60);
      return minutes ? `${hours} ${unit(minutes, "m")}` : hours;
    }
    const days = unit(Math.floor(s / 86_400), "d");
    const hours = Math.floor((s % 86_400) / 3600);
    return hours ? `${days} ${unit(hours, "h")}` : days;
  };

  const formatters: Formatters = {
    locale,
    formatBytes(value, empty = "—") {
      if (value === null || value === undefined || !Number.isFinite(value)) return empty;
      const sign = value < 0 ? "-" : "";
      let size = Math.abs(value);
      let index = 0;
      while (size >= 1024 && index < BYTE_UNITS.length - 1) {
        size /= 1024;
        index += 1;
      }
      if (index === 0) return `${sign}${Math.round(size)} B`;
      return `${sign}${number(size, size < 10 ? 2 : size < 100 ? 1 : 0)} ${BYTE_UNITS[index]}`;
    },
    formatBytesExact(value, empty = "—") {
      if (value === null || value === undefined || !Number.isFinite(value)) return empty;
      return `${number(value, 0)} B`;
    },
    formatSeconds(value, empty = "—") {
      if (value === null || value === undefined || !Number.isFinite(value)) return empty;
      const sign = value < 0 ? "-" : "";
      const s = Math.abs(value);
      if (s === 0) return unit(0, "s");
      if (s < 1) return sign + unit(Math.round(s * 1000), "ms");
      if (s < 60) return sign + unit(number(s, s < 10 ? 2 : 1), "s");
      return sign + coarse(s);
    },
    formatAgo(at, now) {
      const seconds = (new Date(now).getTime() - new Date(at).getTime()) / 1000;
      if (!Number.isFinite(seconds)) return "";
      if (seconds < 1) return seconds > -1 ? w.justNow : w.in(coarse(-seconds));
      return w.ago(coarse(seconds));
    },
    formatUtcSeconds(value, timeOnly = false) {
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) return String(value);
      const iso = date.toISOString();
      return `${timeOnly ? iso.slice(11, 19) : iso.slice(0, 19).replace("T", " ")} UTC`;
    },
    formatCount(value, empty = "—") {
      if (value === null || value === undefined || !Number.isFinite(value)) return empty;
      return number(value, 0);
    },
    formatNumber(value, maximumFractionDigits = 2) {
      return number(value, maximumFractionDigits);
    },
  };
  cache.set(locale, formatters);
  return formatters;
}

// The English set under the names the console has always imported.
const english = formatFor("en");
export const formatBytes = english.formatBytes;
export const formatBytesExact = english.formatBytesExact;
export const formatSeconds = english.formatSeconds;
export const formatAgo = english.formatAgo;
export const formatUtcSeconds = english.formatUtcSeconds;
export const formatCount = english.formatCount;
