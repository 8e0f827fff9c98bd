import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { AgeKeyError, keyFingerprint, parseRecipient, recipientOf } from "@/lib/offsite/age";
import { getClusterRepositories } from "@/lib/offsite/queries";
import type { ClusterRepositoriesWithEncryption, LocalEncryptionInput } from "@/lib/schemas/local-encryption";
import { localEncryptionView, sealLocalIdentity } from "./at-rest";

// GET /api/v1/clusters/:id/repositories (its `local.encryption`) and
// PUT /api/v1/clusters/:id/repositories/local: the local repository's encryption at rest
// (lib/backup/at-rest.ts). The identity, when given, is checked against the recipient and kept
// sealed in the catalog; it is never returned, logged or audited (only its fingerprint).

/** The cluster's repositories, the local one with its encryption (never the identity). */
export async function getRepositoriesWithEncryption(
  clusterId: string,
): Promise<ClusterRepositoriesWithEncryption> {
  const [repositories, cluster] = await Promise.all([
    getClusterRepositories(clusterId),
    getClusterRowOrThrow(clusterId),
  ]);
  return { ...repositories, local: { ...repositories.local, encryption: localEncryptionView(cluster) } };
}

const refuse = (field: string, message: string) =>
  new AppError("unprocessable_entity", `${field}: ${message}`, { issues: [{ path: field, message }] });

export async function setLocalEncryption(
  actor: Actor,
  clusterId: string,
  input: LocalEncryptionInput,
  meta: RequestMeta,
): Promise<ClusterRepositoriesWithEncryption> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const { enabled, identity } = input.encryption;
  const recipient = input.encryption.recipient ?? cluster.localEncryptionRecipient ?? undefined;
  if (recipient) {
    try {
      parseRecipient(recipient);
    } catch (error) {
      if (error instanceof AgeKeyError) throw refuse("encryption.recipient", error.message);
      throw error;
    }
  }
  let identityEncrypted = cluster.localEncryptionIdentityEncrypted;
  // A held key belongs to its recipient: a new recipient without a key of its own drops it.
  if (recipient !== cluster.localEncryptionRecipient) identityEncrypted = null;
  if (identity === null) identityEncrypted = null;
  if (identity) {
    if (!recipient) throw refuse("encryption.recipient", "give the recipient the identity belongs to");
    let derived: string;
    try {
      derived = recipientOf(identity);
    } catch (error) {
      if (error instanceof AgeKeyError) throw refuse("encryption.identity", error.message);
      throw error;
    }
    if (derived !== recipient)
      throw refuse(
        "encryption.identity",
        "is not the secret key of this recipient (age-keygen -y on it prints another public key)",
      );
    identityEncrypted = sealLocalIdentity(identity);
  }
  await db().cluster.update({
    where: { id: clusterId },
    data: {
      localEncryptionEnabled: enabled,
      localEncryptionRecipient: recipient ?? null,
      localEncryptionIdentityEncrypted: identityEncrypted,
    },
  });
  await audit(
    actor,
    {
      action: "local_repository.update",
      outcome: "success",
      target: { type: "cluster", id: clusterId },
      details: {
        enabled,
        recipient: recipient ?? null,
        fingerprint: recipient ? keyFingerprint(recipient) : null,
        keyHeldByWalden: Boolean(identityEncrypted),
      },
    },
    meta,
  );
  return getRepositoriesWithEncryption(clusterId);
}
