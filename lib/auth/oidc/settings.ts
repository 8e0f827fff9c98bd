import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { testDiscovery, type ProviderClient } from "@/lib/auth/oidc/provider";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { readJson, toJson } from "@/lib/db/json";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { OidcSettings } from "@/lib/generated/prisma/client";
import {
  roleMappingsSchema,
  type OidcDiscoveryResult,
  type OidcSettingsInput,
  type OidcSettingsView,
  type RoleMapping,
  type SignInOptions,
} from "@/lib/schemas/oidc";

// The single sign-on settings: one catalog row an admin writes. The client secret is encrypted
// at rest like a server password (lib/secrets.ts), under its own purpose, and never leaves the
// server: reads say only whether one is set.

const SETTINGS_ID = 1;
const CLIENT_SECRET_PURPOSE = "oidc-client-secret";

/** What a sign-in needs, secret decrypted; only for lib/auth/oidc. */
export interface ActiveOidcSettings extends ProviderClient {
  providerName: string;
  scopes: string;
  roleClaim: string;
  roleMappings: RoleMapping[];
}

function refused(field: string, message: string): AppError {
  return new AppError("unprocessable_entity", message, { issues: [{ path: field, message }] });
}

function readRow(): Promise<OidcSettings | null> {
  return db().oidcSettings.findUnique({ where: { id: SETTINGS_ID } });
}

function mappingsOf(row: OidcSettings): RoleMapping[] {
  return readJson(roleMappingsSchema, row.roleMappings, "single sign-on role mappings");
}

export async function getOidcSettingsView(redirectUri: string): Promise<OidcSettingsView> {
  const row = await readRow();
  return {
    configured: row !== null,
    enabled: row?.enabled ?? false,
    providerName: row?.providerName ?? "",
    issuerUrl: row?.issuerUrl ?? "",
    clientId: row?.clientId ?? "",
    clientSecretSet: Boolean(row?.clientSecretEncrypted),
    scopes: row?.scopes ?? "openid email profile",
    roleClaim: row?.roleClaim ?? "groups",
    roleMappings: row ? mappingsOf(row) : [],
    localAccountsEnabled: row?.localAccountsEnabled ?? true,
    breakGlassEmail: row?.breakGlassEmail ?? null,
    redirectUri,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/** The break-glass account must be able to sign in with a password today: an active admin. */
async function assertBreakGlassAdmin(email: string): Promise<void> {
  const user = await db().user.findUnique({ where: { email } });
  if (!user || user.disabledAt || user.role !== "admin") {
    throw refused("breakGlassEmail", `must be the email of an active admin (${email} is not one)`);
  }
}

/**
 * Saves the settings (all of them; the secret may be left out to keep it), audited with the
 * values before and after.
 */
export async function saveOidcSettings(
  actor: Actor,
  input: OidcSettingsInput,
  meta: RequestMeta,
): Promise<void> {
  const before = await readRow();
  const sameClient = before?.issuerUrl === input.issuerUrl && before.clientId === input.clientId;
  if (input.clientSecret === undefined && !sameClient) {
    // The stored secret belongs to the old issuer and client; keeping it would send it to the new one.
    throw refused(
      "clientSecret",
      before ? "is required again when the issuer or client id changes" : "is required",
    );
  }
  const breakGlassEmail = input.breakGlassEmail ?? null;
  if (!input.localAccountsEnabled && breakGlassEmail) await assertBreakGlassAdmin(breakGlassEmail);

  const data = {
    enabled: input.enabled,
    providerName: input.providerName,
    issuerUrl: input.issuerUrl,
    clientId: input.clientId,
    scopes: input.scopes,
    roleClaim: input.roleClaim,
    roleMappings: toJson(input.roleMappings),
    localAccountsEnabled: input.localAccountsEnabled,
    breakGlassEmail,
    ...(input.clientSecret === undefined
      ? {}
      : {
          clientSecretEncrypted: encryptSecret(
            input.clientSecret,
            env().WALDEN_SECRET,
            CLIENT_SECRET_PURPOSE,
          ),
        }),
  };
  if (before) {
    await db().oidcSettings.update({ where: { id: SETTINGS_ID }, data });
  } else {
    // The first save always carries a secret (checked above).
    await db().oidcSettings.create({
      data: { id: SETTINGS_ID, ...data, clientSecretEncrypted: data.clientSecretEncrypted ?? "" },
    });
  }

  await audit(
    actor,
    {
      action: "auth.oidc.settings",
      outcome: "success",
      target: { type: "oidc_settings", id: String(SETTINGS_ID) },
      // A new clientSecret shows as "[redacted]" (lib/auth/redact.ts); a kept one is absent.
      details: {
        ...input,
        breakGlassEmail,
        before: before
          ? {
              enabled: before.enabled,
              issuerUrl: before.issuerUrl,
              clientId: before.clientId,
              roleClaim: before.roleClaim,
              roleMappings: mappingsOf(before),
              localAccountsEnabled: before.localAccountsEnabled,
              breakGlassEmail: before.breakGlassEmail,
            }
          : null,
      },
    },
    meta,
  );
}

/** The settings a sign-in uses, or null while single sign-on is off. */
export async function getActiveOidcSettings(): Promise<ActiveOidcSettings | null> {
  const row = await readRow();
  if (!row?.enabled) return null;
  return {
    providerName: row.providerName,
    issuerUrl: row.issuerUrl,
    clientId: row.clientId,
    clientSecret: decryptSecret(row.clientSecretEncrypted, env().WALDEN_SECRET, CLIENT_SECRET_PURPOSE),
    scopes: row.scopes,
    roleClaim: row.roleClaim,
    roleMappings: mappingsOf(row),
  };
}

/** "Test": discovery of this issuer, or the stored one. Audited, as it makes Walden dial out. */
export async function testOidcDiscovery(
  actor: Actor,
  issuerUrl: string | undefined,
  meta: RequestMeta,
): Promise<OidcDiscoveryResult> {
  const issuer = issuerUrl ?? (await readRow())?.issuerUrl;
  if (!issuer) throw refused("issuerUrl", "is required: no issuer is saved yet");
  const entry = { action: "auth.oidc.test", target: { type: "oidc_settings", id: String(SETTINGS_ID) } };
  try {
    const result = await testDiscovery(issuer);
    await audit(actor, { ...entry, outcome: "success", details: { issuerUrl: issuer } }, meta);
    return result;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await audit(actor, { ...entry, outcome: "failed", details: { issuerUrl: issuer, reason } }, meta);
    throw error;
  }
}

/** What the login page offers: single sign-on when on, the password form unless turned off. */
export async function getSignInOptions(): Promise<SignInOptions> {
  const row = await readRow();
  return {
    sso: row?.enabled ? { providerName: row.providerName } : null,
    localAccounts: !row?.enabled || row.localAccountsEnabled,
  };
}

/**
 * Whether this email may sign in with a password: always, unless an admin turned password
 * sign-in off while single sign-on is on; then only the break-glass admin may.
 */
export async function passwordSignInAllowed(email: string): Promise<boolean> {
  const row = await readRow();
  if (!row?.enabled || row.localAccountsEnabled) return true;
  return row.breakGlassEmail !== null && row.breakGlassEmail === email;
}
