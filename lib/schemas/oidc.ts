import { z } from "zod";
import { emailSchema } from "@/lib/schemas/common";
import { roleSchema } from "@/lib/schemas/user";

// Single sign-on with OpenID Connect: what an admin sends to configure it, what GET answers
// (never the client secret), and the messages the login page shows for a refused sign-in.

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** http:// only on this machine (a test or local provider); anything reachable over a network needs TLS. */
export function isAllowedIssuerUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.search || url.hash || url.username || url.password) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

export const issuerUrlSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(500, "must be at most 500 characters")
  .refine(
    isAllowedIssuerUrl,
    "must be an https:// URL without query or fragment (http:// only for 127.0.0.1 or localhost)",
  );

/** A claim name, or a dotted path into nested claims ("realm_access.roles"). */
const claimNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(
    /^[A-Za-z0-9_:\-/]+(\.[A-Za-z0-9_:\-/]+)*$/,
    "must be a claim name, optionally dotted (realm_access.roles)",
  );

export const roleMappingSchema = z.strictObject({
  value: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  role: roleSchema,
});
export type RoleMapping = z.infer<typeof roleMappingSchema>;

export const roleMappingsSchema = z.array(roleMappingSchema).max(50, "at most 50 mappings");

const scopesSchema = z
  .string()
  .trim()
  .max(500, "must be at most 500 characters")
  .regex(
    /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/,
    "must be scopes separated by single spaces",
  )
  .refine((value) => value.split(" ").includes("openid"), "must include openid");

/**
 * PUT /api/v1/auth/oidc/settings. `clientSecret` may be left out to keep the stored one, but
 * not when the issuer or client id changes (the secret belongs to that client): that is a 422.
 */
export const oidcSettingsInputSchema = z
  .strictObject({
    enabled: z.boolean(),
    providerName: z.string().trim().min(1, "is required").max(40, "must be at most 40 characters"),
    issuerUrl: issuerUrlSchema,
    clientId: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
    clientSecret: z.string().min(1, "is required").max(500, "must be at most 500 characters").optional(),
    scopes: scopesSchema.default("openid email profile"),
    roleClaim: claimNameSchema,
    roleMappings: roleMappingsSchema,
    localAccountsEnabled: z.boolean(),
    breakGlassEmail: emailSchema.nullable().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.enabled && input.roleMappings.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["roleMappings"],
        message: "map at least one claim value to a role, or nobody can sign in",
      });
    }
    if (!input.localAccountsEnabled && !input.breakGlassEmail) {
      ctx.addIssue({
        code: "custom",
        path: ["breakGlassEmail"],
        message: "is required when password sign-in is off: the admin who may still use a password",
      });
    }
    if (!input.localAccountsEnabled && !input.enabled) {
      ctx.addIssue({
        code: "custom",
        path: ["localAccountsEnabled"],
        message: "password sign-in can only be turned off while single sign-on is on",
      });
    }
    const seen = new Set<string>();
    input.roleMappings.forEach((mapping, index) => {
      if (seen.has(mapping.value)) {
        ctx.addIssue({
          code: "custom",
          path: ["roleMappings", index, "value"],
          message: "is mapped twice",
        });
      }
      seen.add(mapping.value);
    });
  });
export type OidcSettingsInput = z.infer<typeof oidcSettingsInputSchema>;

/** POST /api/v1/auth/oidc/settings/test: discovery of this issuer (or the stored one). */
export const oidcDiscoveryTestSchema = z.strictObject({ issuerUrl: issuerUrlSchema.optional() });

/** What GET answers: the secret only as `clientSecretSet`. */
export interface OidcSettingsView {
  configured: boolean;
  enabled: boolean;
  providerName: string;
  issuerUrl: string;
  clientId: string;
  clientSecretSet: boolean;
  scopes: string;
  roleClaim: string;
  roleMappings: RoleMapping[];
  localAccountsEnabled: boolean;
  breakGlassEmail: string | null;
  /** The redirect URI to register at the identity provider, as this request reached Walden. */
  redirectUri: string;
  updatedAt: string | null;
}

export interface OidcDiscoveryResult {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
}

/** What the login page offers. */
export interface SignInOptions {
  /** "Sign in with <providerName>", when single sign-on is on. */
  sso: { providerName: string } | null;
  /** Whether the password form is for everyone (else only for the break-glass admin). */
  localAccounts: boolean;
}

/** Why a single sign-on attempt was refused: the `error` of /login?error=… and the audit reason. */
export const oidcErrorMessages = {
  sso_off: "Single sign-on is not turned on. Sign in with your password, or ask an admin.",
  flow_expired: "The sign-in took too long or was started in another browser. Try again.",
  state_mismatch:
    "The answer from the identity provider did not belong to this sign-in (state mismatch). Try again.",
  idp_error: "The identity provider refused the sign-in.",
  wrong_audience:
    "The identity provider's token was issued for another application (wrong audience). Ask an admin to check the client id.",
  invalid_token:
    "The identity provider's token could not be verified (signature, issuer, nonce or expiry). Try again, or ask an admin.",
  provider_unavailable: "The identity provider could not be reached. Try again in a minute, or ask an admin.",
  email_missing:
    "The identity provider did not send an email address for you; Walden needs one. Ask an admin.",
  unmapped_role:
    "Your account at the identity provider has no Walden role: none of its values of the role claim is mapped. Ask an admin to map your group.",
  email_taken:
    "A Walden account with your email already exists that is not tied to this identity provider. Ask an admin.",
  account_disabled: "Your Walden account is disabled. Ask an admin.",
  server_error: "Sign-in failed on Walden's side. Try again, or ask an admin to read the server log.",
} as const;
export type OidcErrorCode = keyof typeof oidcErrorMessages;

export function isOidcErrorCode(code: unknown): code is OidcErrorCode {
  return typeof code === "string" && Object.hasOwn(oidcErrorMessages, code);
}
