// Identical reads that arrive while one is already being computed share its answer: ten open
// consoles polling the fleet overview in the same instant cost one set of catalog queries, not ten,
// and the busier the server, the more requests each computation serves. Nothing is kept once the
// answer is sent (no cache to go stale or grow), and a read never joins one that started before a
// change made through this process (forgetSharedReads(), called for every request that is not a
// GET or HEAD): after a POST returns, the next GET sees its effect. Only for answers that do not
// depend on who asks (the role check runs per request, before the read).

interface InFlight {
  generation: number;
  answer: Promise<unknown>;
}

interface SharedReads {
  generation: number;
  inFlight: Map<string, InFlight>;
}

// On globalThis: lib/web/server.ts (outside Next's bundle) and the route handlers (inside it) must
// see the same generation.
const globalForReads: typeof globalThis & { waldenSharedReads?: SharedReads } = globalThis;

function state(): SharedReads {
  globalForReads.waldenSharedReads ??= { generation: 0, inFlight: new Map() };
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

/** A change is being made: reads in flight now may predate it, so later ones start their own. */
export function forgetSharedReads(): void {
  state().generation += 1;
}

/** Reads in flight (for tests: nothing stays once answered). */
export function sharedReadsInFlight(): number {
  return state().inFlight.size;
}

/** A GET's key: its path and query string, which are all its answer depends on. */
export function readKey(req: { nextUrl: { pathname: string; search: string } }): string {
  return req.nextUrl.pathname + req.nextUrl.search;
}
