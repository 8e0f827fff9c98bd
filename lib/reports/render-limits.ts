import pLimit from "p-limit";

// A PDF rendering starts a whole Chromium: a burst of report requests must not start a burst of
// browsers, and one that hangs (a page that never draws) must not hold its slot for ever.

export interface RenderLimits {
  /** Renderings that run at once; the rest wait their turn. */
  concurrency: number;
  /** One rendering, start to finish: past it, `stop` is aborted and the call fails. */
  timeLimitMs: number;
}

/** Wraps `render` so calls queue for a slot and each gets a stop signal at its time limit. */
export function boundedRenderer<Input, Output>(
  render: (input: Input, stop: AbortSignal) => Promise<Output>,
  limits: RenderLimits,
): (input: Input) => Promise<Output> {
  const slots = pLimit(limits.concurrency);
  return (input) =>
    slots(async () => {
      const stop = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // The time limit settles first, so the caller reads why, not the browser's own error.
          reject(new Error(`the rendering took longer than ${limits.timeLimitMs / 1000} s and was stopped`));
          stop.abort();
        }, limits.timeLimitMs);
      });
      try {
        return await Promise.race([render(input, stop.signal), expired]);
      } finally {
        clearTimeout(timer);
      }
    });
}
