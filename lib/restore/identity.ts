import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { AgeKeyError, recipientOf } from "@/lib/offsite/age";

// The age identity a restore from an encrypted offsite copy brings (issue 14). It is a secret
// key: checked at the edge, then sealed under WALDEN_SECRET (AES-256-GCM, a purpose of its own)
// before it rides in a job payload or the restore's row, opened only by the worker that
// decrypts with it, and wiped when the restore ends. Never logged, returned or audited.

const PURPOSE = "restore-age-identity";
/** What encryptSecret writes ("v1.<iv>.<tag>.<ciphertext>"); an age key has no dots. */
const SEALED = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** A 422 naming `identity`, with a message a person can act on and no key material in it. */
export function identityRefusal(message: string): AppError {
  return new AppError("unprocessable_entity", `identity: ${message}`, {
    issues: [{ path: "identity", message }],
  });
}

/** The identity as typed, checked to be an age identity; sealed for the job payload and the row. */
export function sealIdentity(identity: string): string {
  try {
    recipientOf(identity);
  } catch (error) {
    if (error instanceof AgeKeyError) throw identityRefusal(error.message);
    throw error;
  }
  return encryptSecret(identity, env().WALDEN_SECRET, PURPOSE);
}

export function isSealedIdentity(value: string): boolean {
  return SEALED.test(value);
}

/** The worker's side: the identity a sealed value holds (a plain one was never sealed: refused). */
export function openIdentity(sealed: string | undefined): string | undefined {
  if (sealed === undefined) return undefined;
  if (!isSealedIdentity(sealed)) throw new Error("the restore's identity was not sealed at the edge");
  return decryptSecret(sealed, env().WALDEN_SECRET, PURPOSE);
}

/** A request without its identity: what is audited, shown, and kept once the restore ends. */
export function withoutIdentity<T extends { identity?: string }>(request: T): Omit<T, "identity"> {
  const rest = { ...request };
  delete rest.identity;
  return rest;
}

/** Removes the sealed identity from a restore's stored request; every way a restore ends calls it. */
export async function wipeRestoreIdentity(restoreId: string): Promise<void> {
  await db()
    .$executeRaw`update restores set request = request - 'identity' where id = ${restoreId}::uuid and request ? 'identity'`;
}

/** Identities left on restores that ended elsewhere (lost jobs, a deleted cluster): the sweep wipes them. */
export async function wipeEndedIdentities(): Promise<number> {
  return db()
    .$executeRaw`update restores set request = request - 'identity' where status not in ('queued', 'running') and request ? 'identity'`;
}
