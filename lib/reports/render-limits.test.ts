import { describe, expect, it } from "vitest";
import { boundedRenderer } from "./render-limits";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("boundedRenderer", () => {
  it("runs at most `concurrency` renderings at once and queues the rest", async () => {
    let running = 0;
    let most = 0;
    const render = boundedRenderer(
      async (n: number) => {
        running += 1;
        most = Math.max(most, running);
        await tick(20);
        running -= 1;
        return n * 2;
      },
      { concurrency: 2, timeLimitMs: 5_000 },
    );
    expect(await Promise.all([1, 2, 3, 4, 5].map(render))).toEqual([2, 4, 6, 8, 10]);
    expect(most).toBe(2);
  });

  it("stops a rendering at its time limit, says so, and frees its slot", async () => {
    let stopped = false;
    const render = boundedRenderer(
      (hang: boolean, stop: AbortSignal) =>
        hang
          ? new Promise<string>((_, reject) =>
              stop.addEventListener("abort", () => {
                stopped = true;
                reject(new Error("browser closed"));
              }),
            )
          : Promise.resolve("pdf"),
      { concurrency: 1, timeLimitMs: 50 },
    );
    await expect(render(true)).rejects.toThrow(/took longer than 0.05 s/);
    expect(stopped).toBe(true);
    expect(await render(false)).toBe("pdf");
  });
});
