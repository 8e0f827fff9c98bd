// At most `limit` requests are worked on at once; the others wait their turn, first come first
// served. Under overload this bounds the work in progress (and the memory each half-done request
// holds: catalog rows, JSON, React trees) instead of starting every connection's request at once
// and finishing them all late. A waiting request costs only its socket.

export interface Admission {
  /** Runs `work` now or when a place frees; `work` gets the release it must call exactly once. */
  admit(work: (release: () => void) => void): void;
  /** Requests being worked on, and waiting (for tests and logs). */
  counts(): { running: number; waiting: number };
}

export function createAdmission(limit: number): Admission {
  let running = 0;
  const waiting: ((release: () => void) => void)[] = [];

  function start(work: (release: () => void) => void): void {
    running += 1;
    let released = false;
    work(() => {
      if (released) return;
      released = true;
      running -= 1;
      const next = waiting.shift();
      if (next) start(next);
    });
  }

  return {
    admit(work) {
      if (running < limit) start(work);
      else waiting.push(work);
    },
    counts: () => ({ running, waiting: waiting.length }),
  };
}
