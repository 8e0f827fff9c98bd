import { describeRepository } from "@/lib/offsite/s3-client";
import { offsiteBackupPrefix } from "@/lib/offsite/stored-settings";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";

/**
 * Where a backup's offsite copy lies, as its backup_copies row records it
 * ("s3://bucket/prefix/<cluster>/<backup id> at endpoint"): the offsite copy and the import
 * record the same text, so a copy is never recorded twice.
 */
export function offsiteCopyLocation(
  settings: Pick<OffsiteRepositorySettings, "bucket" | "prefix" | "endpoint">,
  clusterName: string,
  backupId: string,
): string {
  const keyPrefix = offsiteBackupPrefix(clusterName, backupId);
  return describeRepository({
    ...settings,
    prefix: settings.prefix ? `${settings.prefix}/${keyPrefix}` : keyPrefix,
  });
}
