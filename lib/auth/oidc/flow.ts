import { z } from "zod";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { env } from "@/lib/env";

// Between the redirect to the identity provider and its answer, the browser holds what the
// answer is checked against (state, nonce, PKCE verifier) and where to go after: in one
// short-lived cookie, encrypted and bound to this purpose with WALDEN_SECRET, so nobody can read
// the verifier or forge a state. Nothing is stored in the catalog for an attempt never finished.

export const OIDC_FLOW_COOKIE = "walden_oidc_flow";
/** Only the callback needs it. */
export const OIDC_FLOW_COOKIE_PATH = "/api/v1/auth/oidc/callback";
/** Long enough to type a password and approve a second factor, short enough to be useless when stolen. */
export const OIDC_FLOW_TTL_MS = 10 * 60 * 1000;

const PURPOSE = "oidc-sign-in-flow";

const flowSchema = z.strictObject({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(1),
  /** The exact redirect_uri sent to the provider; the token request must repeat it. */
  redirectUri: z.url(),
  next: z.string().startsWith("/"),
  /** Which configuration started it: an answer after the issuer changed is refused. */
  issuer: z.string(),
  clientId: z.string(),
  startedAt: z.number().int(),
});
export type OidcFlow = z.infer<typeof flowSchema>;

export function sealFlow(flow: OidcFlow): string {
  return encryptSecret(JSON.stringify(flow), env().WALDEN_SECRET, PURPOSE);
}

/** The flow of this cookie, or undefined when it is missing, tampered with, or older than the TTL. */
export function openFlow(cookie: string | undefined, now = Date.now()): OidcFlow | undefined {
  if (!cookie) return undefined;
  let text: string;
  try {
    text = decryptSecret(cookie, env().WALDEN_SECRET, PURPOSE);
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = flowSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const age = now - parsed.data.startedAt;
  return age >= 0 && age <= OIDC_FLOW_TTL_MS ? parsed.data : undefined;
}
