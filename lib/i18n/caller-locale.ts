import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod";
import { renderKey } from "@/lib/i18n/api-errors";
import { defaultLocale, type Locale } from "@/lib/i18n/locales";
import { zodIssueMessage } from "@/lib/i18n/zod-issues";

// The language of the API's caller for the length of one request (lib/route.ts runs every
// handler inside withCallerLocale): error bodies built anywhere in it (lib/errors.ts) and zod's
// own messages ("Too small: expected string to have >=1 characters") speak it. zod renders a
// message when it finds the problem, deep inside a handler's parse, so zod's locale error map
// (z.config, zod's own locale hook) reads it: English is zod's unchanged, another language comes
// from apiErrors.zod, keyed per issue code, and zod's own locale for codes it does not cover.
// Messages a schema writes itself ("must be from 1 to 65535") are left to the phrasebook.

const callerLocale = new AsyncLocalStorage<Locale>();

const zodLocales: Record<Locale, () => { localeError: z.core.$ZodErrorMap }> = {
  en: z.locales.en,
  ko: z.locales.ko,
};

const fallbacks = new Map<Locale, z.core.$ZodErrorMap>();

function zodLocaleError(locale: Locale): z.core.$ZodErrorMap {
  let map = fallbacks.get(locale);
  if (!map) fallbacks.set(locale, (map = zodLocales[locale]().localeError));
  return map;
}

/** The message zod gives `issue` in `locale`: zod's own English, else the catalog's, else zod's locale. */
export function zodMessage(locale: Locale, issue: z.core.$ZodRawIssue): string | undefined {
  if (locale !== defaultLocale) {
    const found = zodIssueMessage(issue);
    const text = found && renderKey(locale, found.key, found.params);
    if (text) return text;
  }
  const fallback = zodLocaleError(locale)(issue);
  return typeof fallback === "string" ? fallback : (fallback?.message ?? undefined);
}

z.config({ localeError: (issue) => zodMessage(currentCallerLocale(), issue) });

/** The caller's language inside a request; English elsewhere (the worker, scripts, tests). */
export function currentCallerLocale(): Locale {
  return callerLocale.getStore() ?? defaultLocale;
}

/** Runs `work` with zod speaking `locale` to whatever it parses (every /api/v1 handler runs in one). */
export function withCallerLocale<T>(locale: Locale, work: () => T): T {
  return callerLocale.run(locale, work);
}
