import * as client from "openid-client";
import { OidcSignInError } from "@/lib/auth/oidc/errors";
import { sha256Hex } from "@/lib/crypto";
import { AppError } from "@/lib/errors";
import type { OidcDiscoveryResult } from "@/lib/schemas/oidc";

// Walden's side of OpenID Connect is openid-client (panva's, maintained): discovery, the
// authorization URL, the code exchange with PKCE, and the ID token checks (issuer, audience,
// nonce, expiry, and its signature against the provider's published keys).

export interface ProviderClient {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
}

/** A provider's answers must come back within this; a hung provider fails the sign-in, not the server. */
const PROVIDER_TIMEOUT_SECONDS = 10;
/** Discovery is cached this long: a sign-in costs no extra round trips, and key rotation is still picked up. */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;

function discoveryOptions(issuer: URL): client.DiscoveryRequestOptions {
  // http:// is only accepted for a loopback issuer (lib/schemas/oidc.ts), where nothing crosses a network.
  return {
    timeout: PROVIDER_TIMEOUT_SECONDS,
    execute: issuer.protocol === "http:" ? [client.allowInsecureRequests] : [],
  };
}

async function discover(settings: ProviderClient): Promise<client.Configuration> {
  const issuer = new URL(settings.issuerUrl);
  const config = await client.discovery(
    issuer,
    settings.clientId,
    settings.clientSecret,
    client.ClientSecretPost(settings.clientSecret),
    discoveryOptions(issuer),
  );
  // By default an ID token from the token endpoint is trusted on TLS alone; Walden checks its
  // signature with the provider's keys as well (and so refuses a provider that signs with HS*).
  client.enableNonRepudiationChecks(config);
  return config;
}

let cached: { key: string; config: Promise<client.Configuration>; at: number } | undefined;

/**
 * The provider's configuration for this client, discovered once per settings and TTL. A
 * provider that cannot be discovered fails the sign-in as "provider_unavailable".
 */
export async function providerConfiguration(
  settings: ProviderClient,
  now = Date.now(),
): Promise<client.Configuration> {
  const key = sha256Hex(`${settings.issuerUrl}\u0000${settings.clientId}\u0000${settings.clientSecret}`);
  if (!cached || cached.key !== key || now - cached.at > DISCOVERY_TTL_MS) {
    const config = discover(settings);
    cached = { key, config, at: now };
    // A failed discovery is not kept: the next sign-in tries again.
    config.catch(() => {
      if (cached?.config === config) cached = undefined;
    });
  }
  try {
    return await cached.config;
  } catch (error) {
    throw new OidcSignInError("provider_unavailable", {
      stage: "discovery",
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

/** For the settings page's "Test": the issuer's discovery document, or a 422 saying why not. */
export async function testDiscovery(issuerUrl: string): Promise<OidcDiscoveryResult> {
  const issuer = new URL(issuerUrl);
  try {
    // The client id does not matter for discovery; the document is the same for every client.
    const config = await client.discovery(
      issuer,
      "walden-discovery-test",
      undefined,
      client.None(),
      discoveryOptions(issuer),
    );
    const metadata = config.serverMetadata();
    return {
      issuer: metadata.issuer,
      authorizationEndpoint: metadata.authorization_endpoint ?? "",
      tokenEndpoint: metadata.token_endpoint ?? null,
      userinfoEndpoint: metadata.userinfo_endpoint ?? null,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    throw new AppError("unprocessable_entity", `Discovery of ${issuerUrl} failed: ${reason}${cause}`, {
      issues: [{ path: "issuerUrl", message: `discovery failed: ${reason}${cause}` }],
    });
  }
}

/** Tests start each case with a fresh discovery (their provider may have restarted on another key). */
export function forgetProviderConfiguration(): void {
  cached = undefined;
}
