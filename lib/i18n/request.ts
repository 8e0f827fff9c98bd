import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { localeCookieName, pickLocale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";

// next-intl's per-request configuration (wired in next.config.ts): no locale in the URL; the
// language comes from the user's choice (cookie) or the browser's Accept-Language.
export default getRequestConfig(async () => {
  const locale = pickLocale(
    (await cookies()).get(localeCookieName)?.value,
    (await headers()).get("accept-language"),
  );
  return { locale, messages: messagesFor(locale), timeZone: "UTC" };
});
