import { createTranslator } from "use-intl/core";
import { defaultLocale, type Locale } from "@/lib/i18n/locales";
import { messages } from "@/lib/i18n/messages";
import { phrasebook } from "@/lib/i18n/phrasebook";

// The API's error messages in the caller's language (issue 16). English stays exactly what the
// code wrote (scripts match on it); another language is rendered from the apiErrors namespace:
// - a whole message from the key and params its AppError carries;
// - a field issue ("must be from 1 to 65535") from the phrasebook (apiErrors.issues), which
//   maps the English phrase, {placeholders} included, to its translation: the same short
//   phrases come from zod schemas and domain checks alike, so they are matched by their words.
// Anything without a translation stays English.

type Catalog = (typeof messages)["en"]["apiErrors"];
type PathsOf<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : PathsOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A message of apiErrors ("restore.afterLatest"), checked against the English catalog. */
export type ApiErrorKey = Exclude<PathsOf<Catalog>, `issues.${string}` | `zod.${string}`>;

export type MessageParams = Record<string, string | number>;

/** What an error carries besides its English message so it can be said in another language. */
export interface LocalizedMessage {
  key: ApiErrorKey;
  params?: MessageParams;
}

const translators = new Map<Locale, ReturnType<typeof translatorOf>>();

function translatorOf(locale: Locale) {
  return createTranslator({
    locale,
    messages: { apiErrors: messages[locale].apiErrors as unknown as Catalog },
    namespace: "apiErrors",
    timeZone: "UTC",
    // A broken translation must not break an error answer: render() falls back to English.
    onError: () => undefined,
    getMessageFallback: () => FALLBACK,
  });
}

const FALLBACK = "\u0000fallback";

function translator(locale: Locale) {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = translatorOf(locale)));
  return t;
}

/** Renders `key` in `locale`; null when the catalog has no such message or it cannot be formatted. */
export function renderKey(locale: Locale, key: string, params: MessageParams = {}): string | null {
  const t = translator(locale) as unknown as {
    has(key: string): boolean;
    (key: string, values: Record<string, string>): string;
  };
  if (!t.has(key)) return null;
  // Strings, not numbers: a port or a byte count must not gain a thousands separator.
  const values = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)]));
  const text = t(key, values);
  return text.includes(FALLBACK) ? null : text;
}

/** The English text of a catalog message: what the API says to scripts and English callers. */
export function englishMessage({ key, params }: LocalizedMessage): string {
  return renderKey(defaultLocale, key, params) ?? key;
}

/**
 * An error's message for the caller: the English as written, or its translation when there is
 * one: from its key, else (a message about one field, "identity: <phrase>") from the phrasebook.
 */
export function localizeMessage(
  locale: Locale,
  english: string,
  localized: { key: string; params?: MessageParams } | undefined,
): string {
  if (locale === defaultLocale) return english;
  if (localized) return renderKey(locale, localized.key, localized.params) ?? english;
  const field = /^([\w.[\]]+): (.+)$/s.exec(english);
  if (field) {
    const phrase = localizeIssue(locale, field[2]!);
    if (phrase !== field[2]) return `${field[1]}: ${phrase}`;
  }
  return localizeIssue(locale, english);
}

/** The English phrasebook: "must be at most {max} characters" → issues.atMostChars, { max }. */
const readIssue = phrasebook(messages.en.apiErrors.issues, "issues.");

/** Phrases already looked up: a body of many issues repeats a few phrases (bounded, so it stays small). */
const lookedUp = new Map<string, string>();
const MAX_LOOKED_UP = 1000;

/** A field issue's message for the caller: the phrasebook's translation of the English phrase, else the English. */
export function localizeIssue(locale: Locale, english: string): string {
  if (locale === defaultLocale) return english;
  const cacheKey = `${locale}\u0000${english}`;
  const known = lookedUp.get(cacheKey);
  if (known !== undefined) return known;
  const text = translatePhrase(locale, english);
  if (lookedUp.size >= MAX_LOOKED_UP) lookedUp.clear();
  lookedUp.set(cacheKey, text);
  return text;
}

function translatePhrase(locale: Locale, english: string): string {
  const match = readIssue(english);
  return (match && renderKey(locale, match.key, match.params)) ?? english;
}
