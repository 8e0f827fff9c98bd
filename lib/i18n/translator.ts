import { createTranslator } from "use-intl/core";
import type { Locale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";

// Messages outside a request (the worker's e-mails and pages it renders itself): the same
// catalog and ICU formatting as the console's useTranslations/getTranslations.

/** A `t` for one language, over all namespaces ("email.alert.subject"), type-checked like the console's. */
export function translatorFor(locale: Locale) {
  return createTranslator({ locale, messages: messagesFor(locale), timeZone: "UTC" });
}
