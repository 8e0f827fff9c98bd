import { environmentManager, focusManager, QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backedOffInterval, livePolling, MAX_BACKOFF_MS } from "@/lib/client/live-query";

// A real QueryClient and observer (what useQuery runs on), with fake timers standing in for time
// and the focus manager for the browser tab's visibility.

let client: QueryClient;
let stopObserving: (() => void) | undefined;

beforeEach(() => {
  vi.useFakeTimers();
  environmentManager.setIsServer(() => false); // vitest runs in Node: poll as a browser would
  focusManager.setFocused(true);
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
});

afterEach(() => {
  stopObserving?.();
  client.clear();
  focusManager.setFocused(undefined);
  environmentManager.setIsServer(() => typeof window === "undefined");
  vi.useRealTimers();
});

/** Polls a fake resource every `intervalMs` and returns its call log. */
function poll(intervalMs: number, answer: (call: number) => unknown, key = ["live", "test"]) {
  const calls: number[] = [];
  const queryFn = async () => {
    calls.push(Date.now());
    const result = answer(calls.length);
    if (result instanceof Error) throw result;
    return result;
  };
  const observe = () => {
    const observer = new QueryObserver(client, { queryKey: key, queryFn, ...livePolling(intervalMs) });
    return observer.subscribe(() => {});
  };
  const first = observe();
  stopObserving = first;
  return { calls, observe };
}

describe("livePolling", () => {
  it("polls at its interval while the tab is visible, and not at all while it is hidden", async () => {
    const { calls } = poll(1_000, () => "ok");
    await vi.advanceTimersByTimeAsync(5_050);
    expect(calls.length).toBe(6); // the first fetch, then one a second

    focusManager.setFocused(false); // the tab goes to the background
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.length).toBe(before);

    focusManager.setFocused(true); // shown again: asked at once (stale), then polling resumes
    await vi.advanceTimersByTimeAsync(1_050);
    expect(calls.length).toBeGreaterThanOrEqual(before + 1);
    expect(calls.length).toBeLessThanOrEqual(before + 2);
  });

  it("backs off while the server fails and returns to its pace after a success", async () => {
    let failing = true;
    const { calls } = poll(1_000, () => (failing ? new Error("503") : "ok"));
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = calls.slice(1).map((at, index) => at - calls[index]!);
    // 1 s after the first failure, then 2, 4, 8, 16 s, then capped at 30 s.
    expect(gaps.slice(0, 5)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(calls.length).toBe(6); // 60 s of a failing server: 6 requests, not 60

    failing = false;
    await vi.advanceTimersByTimeAsync(MAX_BACKOFF_MS);
    const recovered = calls.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls.length - recovered).toBe(5);
  });

  it("fetches once for every component showing the same resource", async () => {
    const { calls, observe } = poll(1_000, () => "ok");
    await vi.advanceTimersByTimeAsync(500); // mounted half a second apart: still one poll a second
    const second = observe();
    await vi.advanceTimersByTimeAsync(250);
    const third = observe(); // a mount of stale data asks once more, then they poll together
    await vi.advanceTimersByTimeAsync(50);
    const mounted = calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    second();
    third();
    expect(calls.length - mounted).toBe(10); // one a second for the three of them, not 30
  });

  it("stops when the interval says so (a finished job) and never backs off past the cap", async () => {
    expect(backedOffInterval(1_000, 0)).toBe(1_000);
    expect(backedOffInterval(1_000, 1)).toBe(1_000);
    expect(backedOffInterval(1_000, 3)).toBe(4_000);
    expect(backedOffInterval(1_000, 20)).toBe(MAX_BACKOFF_MS);
    expect(backedOffInterval(60_000, 5)).toBe(60_000);
    const { refetchInterval } = livePolling<{ done: boolean }>((data) => (data?.done ? false : 1_000));
    const state = { status: "success", errorUpdateCount: 0 } as never;
    expect(refetchInterval({ state: { ...(state as object), data: { done: true } } as never })).toBe(false);
    expect(refetchInterval({ state: { ...(state as object), data: { done: false } } as never })).toBe(1_000);
  });
});
