// Identical reads that arrive while one is already being computed share its answer: ten open
// consoles polling the fleet overview in the same instant cost one set of catalog queries, not ten,
// and the busier the server, the more requests each computation serves. sharedRead keeps nothing
// once the answer is sent (no cache to go stale or grow); recentRead also keeps the answer for a
// stated time, for reads whose sources change far less often than they are asked for. Either way,
// a read never joins or reuses one that started before a change made through this process
// (forgetSharedReads(), called for every request that is not a GET or HEAD): after a POST returns,
// the next GET sees its effect. Only for answers that do not depend on who asks (the role check
// runs per request, before the read).

interface InFlight {
  generation: number;
  answer: Promise<unknown>;
}

interface Kept extends InFlight {
  /** When the read began: its answer reflects the catalog as of this instant or later. */
  startedAt: number;
  maxAgeMs: number;
}

interface SharedReads {
  generation: number;
  inFlight: Map<string, InFlight>;
  kept: Map<string, Kept>;
}

// On globalThis: lib/web/server.ts (outside Next's bundle) and the route handlers (inside it) must
// see the same generation.
const globalForReads: typeof globalThis & { waldenSharedReads?: SharedReads } = globalThis;

function state(): SharedReads {
  globalForReads.waldenSharedReads ??= { generation: 0, inFlight: new Map(), kept: new Map() };
  return globalForReads.waldenSharedReads;
}

/** `read()`'s answer, shared with any identical read (same key) in flight since the last change. */
export function sharedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  const reads = state();
  const running = reads.inFlight.get(key);
  if (running && running.generation === reads.generation) return running.answer as Promise<T>;
  const answer = read().finally(() => {
    if (reads.inFlight.get(key)?.answer === answer) reads.inFlight.delete(key);
  });
  reads.inFlight.set(key, { generation: reads.generation, answer });
  return answer;
}

/** Past this many kept answers the oldest are dropped: the keys are paths and queries callers choose. */
export const RECENT_READS_MAX_ENTRIES = 200;

/**
 * `read()`'s answer, reused by identical reads (same key) for `maxAgeMs` from the moment it began,
 * in flight or answered: an answer served at time t reflects the catalog as of t - maxAgeMs or
 * later, or as of the last change made through this process, whichever is newer. A failure is
 * not kept.
 */
export function recentRead<T>(
  key: string,
  maxAgeMs: number,
  read: () => Promise<T>,
  now = Date.now(),
): Promise<T> {
  const reads = state();
  const kept = reads.kept.get(key);
  if (kept && kept.generation === reads.generation && now - kept.startedAt < kept.maxAgeMs)
    return kept.answer as Promise<T>;
  const answer = read();
  const entry: Kept = { generation: reads.generation, answer, startedAt: now, maxAgeMs };
  reads.kept.delete(key); // re-inserted last: Map order is the order they began, oldest first
  reads.kept.set(key, entry);
  for (const [oldKey, old] of reads.kept) {
    if (reads.kept.size <= RECENT_READS_MAX_ENTRIES && now - old.startedAt < old.maxAgeMs) break;
    reads.kept.delete(oldKey); // past its age, or the oldest of too many
  }
  answer.catch(() => {
    if (reads.kept.get(key) === entry) reads.kept.delete(key);
  });
  return answer;
}

/** A change is being made: reads in flight or kept now may predate it, so later ones start their own. */
export function forgetSharedReads(): void {
  const reads = state();
  reads.generation += 1;
  reads.kept.clear();
}

/** Reads in flight (for tests: nothing stays once answered). */
export function sharedReadsInFlight(): number {
  return state().inFlight.size;
}

/** Answers recentRead keeps (for tests and the memory bound). */
export function recentReadsKept(): number {
  return state().kept.size;
}

const encoder = new TextEncoder();

/** The bytes of a JSON answer, made once for every request that shares them. */
async function encodeJson(read: () => Promise<unknown>): Promise<Uint8Array<ArrayBuffer>> {
  return encoder.encode(JSON.stringify(await read()));
}

/** A fresh response per request (a body is read once); the runtime copies the shared bytes. */
function jsonResponse(body: Uint8Array<ArrayBuffer>): Response {
  return new Response(body, { headers: { "content-type": "application/json" } });
}

/**
 * sharedRead's answer as a JSON response, serialised once per computation: the fleet overview and
 * the backup list are 50-170 KiB, and stringifying them per request cost more than the share saved.
 */
export async function sharedJson(key: string, read: () => Promise<unknown>): Promise<Response> {
  return jsonResponse(await sharedRead(key, () => encodeJson(read)));
}

/** recentRead's answer as a JSON response, serialised once per computation. */
export async function recentJson(
  key: string,
  maxAgeMs: number,
  read: () => Promise<unknown>,
  now = Date.now(),
): Promise<Response> {
  return jsonResponse(await recentRead(key, maxAgeMs, () => encodeJson(read), now));
}

/** A GET's key: its path and query string, which are all its answer depends on. */
export function readKey(req: { nextUrl: { pathname: string; search: string } }): string {
  return req.nextUrl.pathname + req.nextUrl.search;
}
