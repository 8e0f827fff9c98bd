import * as client from "openid-client";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { forgetCachedCredentials } from "@/lib/auth/credential-cache";
import { claimedEmail, claimValues, mappedRole, type Claims } from "@/lib/auth/oidc/claims";
import { classifyOidcError, OidcSignInError } from "@/lib/auth/oidc/errors";
import type { OidcFlow } from "@/lib/auth/oidc/flow";
import { providerConfiguration } from "@/lib/auth/oidc/provider";
import { getActiveOidcSettings, type ActiveOidcSettings } from "@/lib/auth/oidc/settings";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import { createSession } from "@/lib/auth/sessions";
import { randomToken } from "@/lib/crypto";
import { db } from "@/lib/db";

// Sign-in with the company's identity provider: authorization code with PKCE, state and nonce,
// the ID token verified by openid-client. The person is found by (issuer, subject), created on
// first sign-in, and given the role the admin's mapping derives from a claim, every time.

async function activeSettings(): Promise<ActiveOidcSettings> {
  const settings = await getActiveOidcSettings();
  if (!settings) throw new OidcSignInError("sso_off");
  return settings;
}

/** Where to send the browser, and the flow its cookie must carry back to the callback. */
export async function startOidcSignIn(
  redirectUri: string,
  next: string,
): Promise<{ authorizationUrl: URL; flow: OidcFlow }> {
  const settings = await activeSettings();
  const config = await providerConfiguration(settings);
  const codeVerifier = client.randomPKCECodeVerifier();
  const flow: OidcFlow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier,
    redirectUri,
    next,
    issuer: settings.issuerUrl,
    clientId: settings.clientId,
    startedAt: Date.now(),
  };
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: settings.scopes,
    response_type: "code",
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { authorizationUrl, flow };
}

/** The ID token's claims, completed from the userinfo endpoint when the email or role claim is not in it. */
async function signedInClaims(
  settings: ActiveOidcSettings,
  flow: OidcFlow,
  callbackQuery: URLSearchParams,
): Promise<{ idToken: Claims & { iss: string; sub: string }; claims: Claims }> {
  const config = await providerConfiguration(settings);
  // The URL the provider sent the browser to, as registered (the token request repeats it).
  const currentUrl = new URL(flow.redirectUri);
  currentUrl.search = callbackQuery.toString();
  try {
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new OidcSignInError("invalid_token", { reason: "no ID token in the answer" });
    let claims: Claims = { ...idToken };
    const incomplete = !claimedEmail(claims) || claimValues(claims, settings.roleClaim).length === 0;
    if (incomplete && config.serverMetadata().userinfo_endpoint) {
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
      // The ID token's own claims win; userinfo only fills in what it left out.
      claims = { ...userinfo, ...idToken };
    }
    return { idToken, claims };
  } catch (error) {
    throw classifyOidcError(error) ?? error;
  }
}

interface SignedInUser {
  id: string;
  email: string;
  role: Role;
  /** The console language the user saved, or null (lib/auth/locale-cookie.ts). */
  locale: string | null;
}

/** The Walden user for this identity: found by (issuer, subject) with its role brought up to date, or created. */
async function provisionUser(
  issuer: string,
  subject: string,
  email: string | undefined,
  role: Role,
  meta: RequestMeta,
): Promise<SignedInUser> {
  const existing = await db().user.findUnique({
    where: { oidcIssuer_oidcSubject: { oidcIssuer: issuer, oidcSubject: subject } },
  });
  if (existing) {
    if (existing.disabledAt) throw new OidcSignInError("account_disabled", { email: existing.email });
    const actor = actorOf(existing.id, existing.email, role);
    if (existing.role !== role) {
      await db().user.update({ where: { id: existing.id }, data: { role } });
      forgetCachedCredentials(); // the user's other sessions and tokens get the new role at once
      await audit(
        actor,
        {
          action: "user.update",
          outcome: "success",
          target: { type: "user", id: existing.id },
          details: { source: "oidc", roleBefore: existing.role, role },
        },
        meta,
      );
    }
    return { id: existing.id, email: existing.email, role, locale: existing.locale };
  }
  if (!email) throw new OidcSignInError("email_missing", { issuer, subject });
  // An email is not an identity: tying a provider account to an existing local one by email
  // would let whoever controls that address at the provider take the local account over.
  if (await db().user.findUnique({ where: { email } })) throw new OidcSignInError("email_taken", { email });
  const created = await db().user.create({
    data: {
      email,
      role,
      oidcIssuer: issuer,
      oidcSubject: subject,
      // Nobody knows this password: the account signs in through its provider only.
      passwordHash: await hashPassword(randomToken()),
    },
  });
  await audit(
    actorOf(created.id, email, role),
    {
      action: "user.create",
      outcome: "success",
      target: { type: "user", id: created.id },
      details: { source: "oidc", issuer, subject, email, role },
    },
    meta,
  );
  return { id: created.id, email, role, locale: null };
}

function actorOf(userId: string, email: string, role: Role): Actor {
  return { kind: "session", userId, email, role, label: email };
}

/**
 * Finishes a sign-in from the provider's answer (the callback's query): checks it belongs to
 * this browser's flow, exchanges the code, maps the role, opens a session. Refusals throw an
 * OidcSignInError; the caller audits them and sends the browser to the login page.
 */
export async function finishOidcSignIn(
  flow: OidcFlow | undefined,
  callbackQuery: URLSearchParams,
  meta: RequestMeta,
): Promise<{ session: { value: string; expiresAt: Date }; user: SignedInUser; next: string }> {
  if (!flow) throw new OidcSignInError("flow_expired");
  if (callbackQuery.get("state") !== flow.state) throw new OidcSignInError("state_mismatch");
  const providerError = callbackQuery.get("error");
  if (providerError) {
    throw new OidcSignInError("idp_error", {
      error: providerError,
      description: callbackQuery.get("error_description") ?? undefined,
    });
  }
  const settings = await activeSettings();
  if (settings.issuerUrl !== flow.issuer || settings.clientId !== flow.clientId) {
    // The admin changed the provider while this person was at the old one.
    throw new OidcSignInError("flow_expired", { reason: "the single sign-on settings changed meanwhile" });
  }
  const { idToken, claims } = await signedInClaims(settings, flow, callbackQuery);
  const role = mappedRole(claims, settings.roleClaim, settings.roleMappings);
  const email = claimedEmail(claims);
  if (!role) {
    throw new OidcSignInError("unmapped_role", {
      email,
      claim: settings.roleClaim,
      values: claimValues(claims, settings.roleClaim).slice(0, 20),
    });
  }
  const user = await provisionUser(idToken.iss, idToken.sub, email, role, meta);
  const session = await createSession(user.id);
  await audit(
    actorOf(user.id, user.email, user.role),
    {
      action: "auth.login",
      outcome: "success",
      target: { type: "user", id: user.id },
      details: { method: "oidc", issuer: idToken.iss, role: user.role },
    },
    meta,
  );
  return { session, user, next: flow.next };
}
