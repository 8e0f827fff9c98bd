// The security headers of every response, in one place: next.config.ts sends the static ones on
// every path; proxy.ts adds a per-request Content-Security-Policy with a nonce to pages, which
// Next puts on its own script tags (so no inline script runs without it).

/** Headers every response carries, API and pages alike. */
export const staticSecurityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // Older browsers that ignore CSP's frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** JSON and metrics are never rendered as documents: nothing may load from them. */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

/** Sent only when the request reached Walden over HTTPS (directly or through a trusted proxy). */
export const strictTransportSecurity = { key: "Strict-Transport-Security", value: "max-age=31536000" };

/**
 * The pages' policy: scripts only with this request's nonce (and what they load, via
 * 'strict-dynamic'); inline style attributes stay allowed because charts set them.
 * `next dev` needs eval for its refresh runtime.
 */
export function pageContentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
