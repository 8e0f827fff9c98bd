import { phrasebook, type PhraseMatch } from "@/lib/i18n/phrasebook";
import enFindings from "@/messages/en/findings.json";

// What the server found or decided, worded in English where it happened (configuration-check
// findings, retention reasons, schedule outcomes, restore-plan warnings and the copy it reads),
// said in the reader's language by the page (messages findings.*). A finding arrives either as
// a code with its figures beside the English (retention: reasonCode, reasonParams) or as the
// English alone, stored or computed (old rows included), read back through the phrasebook. The
// API keeps its English bytes for scripts; an English text no message matches is shown as is.
// Pure and browser-safe: components/i18n/use-finding.ts binds it to the page's translator.

export type FindingArea =
  | "configCheck"
  | "offsiteTest"
  | "retention"
  | "retention.skipped"
  | "schedule"
  | "planner.warnings"
  | "planner.source";

/** A code under its area ("keep.pinned" in retention) and the figures its message takes. */
export interface CodedFinding {
  code: string;
  params?: Record<string, string | number>;
}

/** A translator over the findings namespace (next-intl's useTranslations("findings"), or use-intl's). */
export interface FindingTranslator {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
}

const subtree = (area: FindingArea): object =>
  area
    .split(".")
    .reduce<Record<string, unknown>>((tree, part) => tree[part] as Record<string, unknown>, enFindings);

const readers = new Map<FindingArea, (text: string) => PhraseMatch | null>();

/** The area's English message that `english` is an instance of, keyed under the namespace. */
export function readFinding(area: FindingArea, english: string): PhraseMatch | null {
  let read = readers.get(area);
  if (!read) readers.set(area, (read = phrasebook(subtree(area), `${area}.`)));
  return read(english);
}

/**
 * `english` in the translator's language: from its code when it has one, else from the English
 * read back; `localizeValue` words a figure the server formatted in English ("26 h").
 */
export function findingText(
  t: FindingTranslator,
  area: FindingArea,
  english: string,
  coded?: CodedFinding | null,
  localizeValue: (value: string) => string = (value) => value,
): string {
  const found = coded
    ? { key: `${area}.${coded.code}`, params: coded.params ?? {} }
    : readFinding(area, english);
  if (!found || !t.has(found.key)) return english;
  const values = Object.fromEntries(
    Object.entries(found.params).map(([name, value]) => [
      name,
      typeof value === "number" ? value : localizeValue(value),
    ]),
  );
  try {
    return t(found.key, values);
  } catch {
    return english;
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, min: 60, h: 3600 };

/** "26 h", "1 min", "30 s" (the configuration check's English durations) as seconds; else null. */
export function englishDurationSeconds(value: string): number | null {
  const match = /^(\d+) (s|min|h)$/.exec(value);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]!]! : null;
}
