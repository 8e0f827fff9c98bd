import * as client from "openid-client";
import type { OidcErrorCode } from "@/lib/schemas/oidc";

// A refused single sign-on ends on the login page with ?error=<code> (lib/schemas/oidc.ts holds
// the words) and one sampled denial in the audit log with the detail a person can act on.

export class OidcSignInError extends Error {
  constructor(
    readonly code: OidcErrorCode,
    /** What the audit row records beside the code: the provider's error, the claim values… */
    readonly detail?: Record<string, unknown>,
  ) {
    super(code);
    this.name = "OidcSignInError";
  }
}

/** The `cause` chain of an error, outermost first (openid-client wraps oauth4webapi's errors). */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === "object" && chain.length < 5) {
    chain.push(current);
    current = "cause" in current ? current.cause : undefined;
  }
  return chain;
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === "object" && name in value
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/**
 * What went wrong with a sign-in, from what openid-client threw: the provider said no, the ID
 * token was for another client (audience), it failed another check (signature, issuer, nonce,
 * expiry), or the provider was not reachable; undefined for errors that are none of these.
 */
export function classifyOidcError(error: unknown): OidcSignInError | undefined {
  if (error instanceof OidcSignInError) return error;
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
    return new OidcSignInError("idp_error", {
      error: error.error,
      description: error.error_description,
    });
  }
  const chain = causes(error);
  const claim = chain.map((cause) => field(cause, "claim")).find((value) => typeof value === "string");
  const code = field(error, "code");
  const messages = chain.map((cause) => (cause instanceof Error ? cause.message : undefined)).filter(Boolean);
  if (claim === "aud" || claim === "azp") return new OidcSignInError("wrong_audience", { messages });
  if (
    code === "OAUTH_RESPONSE_IS_NOT_CONFORM" ||
    code === "OAUTH_RESPONSE_IS_NOT_JSON" ||
    (error instanceof TypeError && /fetch failed/i.test(error.message)) ||
    (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError"))
  ) {
    return new OidcSignInError("provider_unavailable", { messages });
  }
  if (error instanceof client.ClientError)
    return new OidcSignInError("invalid_token", { code, claim, messages });
  // Anything else (the catalog, a bug) is not the provider's doing.
  return undefined;
}
