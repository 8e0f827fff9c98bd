"use client";

import { LocalEncryptionCard } from "./local-encryption-card";
import { OffsiteRepositoryCard } from "./offsite-repository-card";

// Where a cluster's backups live (issue 14): the local repository's encryption at rest, then the
// offsite repository. One section, so the cluster page places both together.

export function RepositoriesSection({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
  return (
    <div className="space-y-5">
      <LocalEncryptionCard clusterId={clusterId} canEdit={canEdit} />
      <OffsiteRepositoryCard clusterId={clusterId} canEdit={canEdit} />
    </div>
  );
}
