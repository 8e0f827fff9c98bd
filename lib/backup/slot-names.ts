// Slot names are shared by the worker (pg_receivewal streams from the slot, the sampler drops the
// old one) and the web side (deleting a cluster drops its slots), so they live apart from both.

/**
 * The replication slot Walden's pg_receivewal uses for a cluster: named after the cluster's id
 * (slot names: [a-z0-9_], ≤ 63), so renaming the cluster never orphans the slot.
 */
export function receiveWalSlotName(clusterId: string): string {
  const hex = clusterId.toLowerCase().replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a cluster id: ${clusterId}`);
  return `walden_${hex}`;
}

/** The slot name Walden used before slots were named after the id (from the cluster's name): dropped with the new one. */
export function legacyReceiveWalSlotName(clusterName: string): string {
  return `walden_${clusterName.replace(/-/g, "_")}`.slice(0, 63);
}
