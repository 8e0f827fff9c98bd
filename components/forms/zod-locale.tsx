"use client";

import { useLocale, useTranslations } from "next-intl";
import { z } from "zod";
import { defaultLocale, type Locale } from "@/lib/i18n/locales";
import { phrasebook } from "@/lib/i18n/phrasebook";
import { zodIssueMessage } from "@/lib/i18n/zod-issues";
import enApiErrors from "@/messages/en/apiErrors.json";

// The browser's own form checks (zodResolver with the shared schemas) in the page's language,
// worded as the API words the same problems (messages apiErrors.zod and apiErrors.issues):
// zod's generic messages through its locale hook, a schema's own English phrase ("must be from
// 1 to 65535") through the phrasebook where the form shows it.

/** What next-intl's useTranslations("apiErrors") gives, as far as this needs it. */
export interface ApiErrorsTranslator {
  (key: string, values?: Record<string, string>): string;
  has(key: string): boolean;
}

const readIssue = phrasebook(enApiErrors.issues, "issues.");

/** A schema's own English phrase in the translator's language, else as it is. */
export function issueText(t: ApiErrorsTranslator, english: string): string {
  const match = readIssue(english);
  return match && t.has(match.key) ? t(match.key, match.params) : english;
}

/** zod's message for an issue in `locale`: the catalog's wording, else zod's own locale's. */
export function browserZodMessage(
  locale: Locale,
  t: ApiErrorsTranslator,
  issue: z.core.$ZodRawIssue,
): string | undefined {
  const found = locale === defaultLocale ? null : zodIssueMessage(issue);
  if (found && t.has(found.key)) return t(found.key, found.params);
  const fallback = (locale === "ko" ? z.locales.ko() : z.locales.en()).localeError(issue);
  return typeof fallback === "string" ? fallback : (fallback?.message ?? undefined);
}

/** Rendered once under the message provider: the browser's zod speaks the page's language. */
export function ZodLocale(): null {
  const locale = useLocale();
  const t = useTranslations("apiErrors") as unknown as ApiErrorsTranslator;
  // Only in the browser: on the server zod's hook belongs to lib/i18n/caller-locale.ts.
  if (typeof window !== "undefined")
    z.config({ localeError: (issue) => browserZodMessage(locale, t, issue) });
  return null;
}

/** A field error as the form shows it: a schema's English phrase in the page's language. */
export function useIssueText(): (message: string | undefined) => string | undefined {
  const locale = useLocale();
  const t = useTranslations("apiErrors") as unknown as ApiErrorsTranslator;
  return (message) => (message && locale !== defaultLocale ? issueText(t, message) : message);
}
