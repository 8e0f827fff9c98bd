import type { Actor } from "@/lib/auth/actor";

// A verified session or API token, remembered for a few seconds so a console polling every second
// (or a script at 200 requests/s) costs one catalog lookup per credential per few seconds, not one
// per request. Security bound: a token revoked, a session ended or a user disabled or demoted stops
// working at once in the process that made the change (it calls forgetCachedCredentials()), and
// within CREDENTIAL_CACHE_TTL_MS in every other web process. Only successful lookups are kept: an
// unknown credential is looked up every time.

/** How long a verified credential is believed without asking the catalog again. */
export const CREDENTIAL_CACHE_TTL_MS = 5_000;
/** Past this many credentials the oldest are dropped: memory stays bounded whatever callers send. */
export const CREDENTIAL_CACHE_MAX_ENTRIES = 1_000;

interface Entry {
  actor: Actor;
  /** When this entry stops being believed: the TTL, or the credential's own expiry if sooner. */
  validUntil: number;
}

// On globalThis: Next may load this module once per route bundle, and a revoke in one route must
// clear what every route reads.
const globalForCache: typeof globalThis & { waldenCredentialCache?: Map<string, Entry> } = globalThis;

function entries(): Map<string, Entry> {
  globalForCache.waldenCredentialCache ??= new Map();
  return globalForCache.waldenCredentialCache;
}

/** The actor of a credential (keyed by its SHA-256, never the secret itself) if verified recently. */
export function cachedActor(credentialHash: string, now = Date.now()): Actor | null {
  const cache = entries();
  const entry = cache.get(credentialHash);
  if (!entry) return null;
  if (entry.validUntil <= now) {
    cache.delete(credentialHash);
    return null;
  }
  return entry.actor;
}

/** Remembers a credential the catalog just verified; `expiresAt` caps the entry (a session's end). */
export function rememberActor(
  credentialHash: string,
  actor: Actor,
  expiresAt: Date | null,
  now = Date.now(),
): void {
  const cache = entries();
  cache.delete(credentialHash); // re-inserted last: Map order is the eviction order
  cache.set(credentialHash, {
    actor,
    validUntil: Math.min(now + CREDENTIAL_CACHE_TTL_MS, expiresAt?.getTime() ?? Infinity),
  });
  while (cache.size > CREDENTIAL_CACHE_MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
}

/**
 * Forgets every remembered credential: called after a revoke, a sign-out, or any change to a
 * user's role, password or disabled state. Such changes are rare; clearing all is simplest and safe.
 */
export function forgetCachedCredentials(): void {
  entries().clear();
}

/** How many credentials are remembered (for tests and the memory bound). */
export function cachedCredentialCount(): number {
  return entries().size;
}
