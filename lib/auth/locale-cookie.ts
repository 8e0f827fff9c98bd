import type { NextResponse } from "next/server";
import { isLocale, localeCookieName, localeNames, locales, type Locale } from "@/lib/i18n/locales";

// The console's language cookie (lib/i18n/locales.ts reads it on every request) as the server
// sets it: from PATCH /api/v1/me and at sign-in from the user's saved choice. Not httpOnly: the
// login page's switch sets it in the browser too, like the theme's.

export const LOCALE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** Sets the cookie to `locale`, or clears it for null (the browser's language decides again). */
export function setLocaleCookie(response: NextResponse, locale: Locale | null): void {
  if (locale === null) {
    response.cookies.set(localeCookieName, "", { path: "/", sameSite: "lax", maxAge: 0 });
    return;
  }
  response.cookies.set(localeCookieName, locale, {
    path: "/",
    sameSite: "lax",
    maxAge: LOCALE_COOKIE_MAX_AGE_SECONDS,
  });
}

/** At sign-in: a saved choice becomes the cookie; none leaves whatever the browser has. */
export function applySavedLocale(response: NextResponse, saved: string | null | undefined): void {
  if (isLocale(saved)) setLocaleCookie(response, saved);
}

/**
 * What the language switch (components/shell/language-switch.tsx, browser code that may not
 * import lib/) needs: the languages by their own names, the cookie, and the current choice
 * (the cookie's value when it names a language, else null: the browser's language decides).
 */
export function languageSwitchProps(cookieValue: string | undefined) {
  return {
    chosen: isLocale(cookieValue) ? cookieValue : null,
    options: locales.map((value) => ({ value, label: localeNames[value] })),
    cookie: { name: localeCookieName, maxAgeSeconds: LOCALE_COOKIE_MAX_AGE_SECONDS },
  };
}
