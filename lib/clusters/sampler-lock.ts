/**
 * Walden's advisory-lock namespace ("WALD") on the catalog, so our locks never collide with other
 * users of the catalog: the samplers' per-cluster locks
 * (`pg_try_advisory_lock(LOCK_NAMESPACE, hashtext(cluster id))`) and the alert evaluator's one.
 * Whoever holds a cluster's lock is its only sampler and the only one running its
 * pg_receivewal: deleting a cluster takes the lock to drop its slot safely.
 */
export const LOCK_NAMESPACE = 0x57414c44;
