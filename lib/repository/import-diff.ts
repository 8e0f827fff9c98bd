import type { RepositoryImportEntry, RepositoryImportResult } from "@/lib/schemas/repository-import";
import type { FoundBackup, FoundRepository } from "./found";

// What an import would do, from what the repository holds and what the catalog knows. Pure, for
// the unit test: reading (read-local.ts, read-offsite.ts) and writing (import.ts) are elsewhere.

/** A backup the catalog knows, with the places it already records for it. */
export interface KnownBackup {
  id: string;
  clusterId: string;
  status: string;
  path: string | null;
  /** Locations of its succeeded offsite copies. */
  offsiteLocations: string[];
}

export interface ImportDiffInput {
  found: FoundRepository;
  cluster: { id: string; name: string };
  /** The cluster's own system identifier (from the catalog, its server, or the admin's confirmation). */
  systemIdentifier: string;
  known: Map<string, KnownBackup>;
}

type Decision = Pick<RepositoryImportEntry, "action" | "reason">;

function decide(backup: FoundBackup, input: ImportDiffInput): Decision {
  const refused = (reason: string): Decision => ({ action: "refused", reason });
  const { descriptor } = backup;
  if (!descriptor) return refused(backup.problem ?? "no descriptor");
  if (descriptor.backupId !== backup.backupId)
    return refused(`its descriptor names backup ${descriptor.backupId}, not the folder's ${backup.backupId}`);
  if (descriptor.cluster !== input.cluster.name)
    return refused(`it is a backup of cluster "${descriptor.cluster}", not "${input.cluster.name}"`);
  if (descriptor.systemIdentifier === null)
    return refused("its descriptor does not name the server's system identifier, so it cannot be checked");
  if (descriptor.systemIdentifier !== input.systemIdentifier)
    return refused(
      `it was taken from another database cluster (system identifier ${descriptor.systemIdentifier}, not ${input.systemIdentifier})`,
    );
  const known = input.known.get(backup.backupId);
  if (!known) return { action: "add", reason: null };
  if (known.clusterId !== input.cluster.id)
    return refused("the catalog already has a backup with this id, of another cluster");
  if (known.status !== "succeeded")
    return { action: "known", reason: `the catalog has it as ${known.status}` };
  if (input.found.repository === "local")
    return known.path === null
      ? { action: "add-copy", reason: `the catalog learns its folder ${backup.location}` }
      : { action: "known", reason: null };
  return known.offsiteLocations.includes(backup.location)
    ? { action: "known", reason: null }
    : { action: "add-copy", reason: "the catalog records its offsite copy" };
}

/** One entry per backup found, oldest first (by when it finished; undescribed ones last, by id). */
export function planImport(input: ImportDiffInput): RepositoryImportEntry[] {
  const entries = input.found.backups.map((backup): RepositoryImportEntry => {
    const { descriptor } = backup;
    return {
      backupId: backup.backupId,
      ...decide(backup, input),
      kind: descriptor?.kind ?? null,
      label: descriptor?.label ?? null,
      finishedAt: descriptor?.finishedAt ?? null,
      sizeBytes: descriptor?.sizeBytes ?? backup.sizeBytes,
      startLsn: descriptor?.startLsn ?? null,
      stopLsn: descriptor?.stopLsn ?? null,
      timeline: descriptor?.timeline ?? null,
      encrypted: descriptor?.encryption != null,
    };
  });
  return entries.sort(
    (a, b) =>
      (a.finishedAt ?? "~").localeCompare(b.finishedAt ?? "~") || a.backupId.localeCompare(b.backupId),
  );
}

/**
 * The system identifiers the repository says it holds: its own descriptor's, else those of the
 * backups it describes. A repository that names identifiers, none of them the cluster's, is
 * another database cluster's and is refused as a whole.
 */
export function repositoryIdentifiers(found: FoundRepository): string[] {
  if (found.descriptor?.systemIdentifier) return [found.descriptor.systemIdentifier];
  const named = found.backups.flatMap((backup) => backup.descriptor?.systemIdentifier ?? []);
  return [...new Set(named)].sort();
}

/** The span the physical backups to be imported (or already known) cover. */
export function backupSpan(entries: RepositoryImportEntry[]): RepositoryImportResult["backups"] {
  const finished = entries
    .filter((entry) => entry.kind === "physical" && entry.action !== "refused" && entry.finishedAt)
    .map((entry) => entry.finishedAt!)
    .sort();
  return { earliestFinishedAt: finished[0] ?? null, latestFinishedAt: finished.at(-1) ?? null };
}
