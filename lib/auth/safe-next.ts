// Where the login page may send a user after signing in: a path of this site, nothing else.
// Checked the way a browser will read it (the URL parser drops tabs and newlines and reads "\"
// as "/"), so "/\t/evil.example", "/\\evil.example" and "/.//evil.example" cannot become
// "//evil.example", which a browser follows to another host.

const BASE = "http://walden.invalid";

export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/")) return undefined;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  const path = url.pathname;
  // A normalised path that starts "//" (or "/\") is read by browsers as another host.
  if (path.startsWith("//") || path.startsWith("/\\") || path.startsWith("/login")) return undefined;
  return `${path}${url.search}${url.hash}`;
}
