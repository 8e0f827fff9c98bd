import { isRetryable } from "./storage-errors";

// The caller's retry loop around a whole copy (a file, a WAL segment): the SDK already retries
// each request a few times; this outlasts a storage that is away for minutes (a restart, a
// network cut). Only failures that waiting can cure are retried (isRetryable): a wrong secret
// or a missing bucket fails at once.

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Wait before the second try; doubled after each (exponential backoff), with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Told before each wait: which try failed, why, and how long until the next. */
  onRetry?: (failure: { attempt: number; error: unknown; delayMs: number }) => void;
  signal?: AbortSignal;
  /** Which failures to retry; default: StorageError.retryable. */
  retryable?: (error: unknown) => boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** The delay before try `attempt + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelayMs(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  const initialDelayMs = options.initialDelayMs ?? 2_000;
  const maxDelayMs = options.maxDelayMs ?? 120_000;
  const retryable = options.retryable ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || !retryable(error) || options.signal?.aborted) throw error;
      const delayMs = backoffDelayMs(attempt, initialDelayMs, maxDelayMs);
      options.onRetry?.({ attempt, error, delayMs });
      await sleep(delayMs, options.signal);
    }
  }
}
