// Names a restore gives to what it creates, shared by the web side (the typed confirmations) and
// the executors that create them: one spelling each.

/** `walden-restore-<first 8 of the id>`: the restored instance's name, typed to tear it down. */
export function instanceName(restoreId: string): string {
  return `walden-restore-${restoreId.slice(0, 8)}`;
}

/** `orders_restored_20261126_1452` (UTC), cut to PostgreSQL's 63 bytes. */
export function restoredTableName(table: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 13);
  const suffix = `_restored_${stamp}`;
  return `${table.slice(0, 63 - suffix.length)}${suffix}`;
}
