// The color theme a browser asked for, kept in a cookie so the server renders the page in it
// from the first byte (no flash of the wrong theme, no inline script under the CSP).
// "system" follows prefers-color-scheme through CSS alone (app/globals.css).

export const themes = ["system", "light", "dark"] as const;
export type Theme = (typeof themes)[number];

export const themeCookieName = "walden_theme";
/** A year: the choice belongs to the browser, not to a session. */
export const themeCookieMaxAgeSeconds = 365 * 24 * 60 * 60;

export function parseTheme(value: string | undefined): Theme {
  return themes.find((theme) => theme === value) ?? "system";
}
