import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { getHealth } from "@/lib/health";

// The real worker process (npm run worker) against the test catalog, in production mode.
describe("worker", () => {
  it("reports healthy while running and cleans up on SIGTERM", async () => {
    const before = await getHealth();
    expect(before.catalog).toBe("ok");

    // As `npm run worker` starts it: node itself gets the signal, with no tsx CLI relaying it.
    const worker = spawn(process.execPath, ["--import", "tsx", "lib/worker/main.ts"], {
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout.on("data", (chunk) => (output += chunk));
    worker.stderr.on("data", (chunk) => (output += chunk));

    const deadline = Date.now() + 30_000;
    // "started" is logged once every handler is installed; health must agree after that.
    while (!output.includes("started") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    let health = await getHealth();
    while (health.worker !== "ok" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      health = await getHealth();
    }
    expect(health, output).toMatchObject({ status: "ok", catalog: "ok", worker: "ok" });
    expect(health.workers).toBeGreaterThanOrEqual(1);

    const exit = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    worker.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(output).toContain("stopped");
    // A clean stop removes its heartbeat at once rather than waiting to go stale.
    expect((await getHealth()).workers).toBe(before.workers);
  });
});
