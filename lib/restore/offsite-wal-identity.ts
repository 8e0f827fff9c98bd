import { heldLocalIdentity } from "@/lib/backup/at-rest";

// Which key opens the offsite WAL (issue 14): a repository that encrypts and a local archive
// sealed at rest may each have put segments there under their own key.

/**
 * The identity that opens the offsite WAL: the one given, with the local key Walden holds added
 * (one key a line: age tries each), since segments sealed at rest were shipped under the local
 * key whatever the repository's is; the held key alone when none is given.
 */
export function offsiteWalIdentity(
  given: string | undefined,
  cluster: { localEncryptionIdentityEncrypted: string | null },
): string | undefined {
  const held = heldLocalIdentity(cluster) ?? undefined;
  return given && held ? `${given.trimEnd()}\n${held}\n` : (given ?? held);
}
