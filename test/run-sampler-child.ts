// A stand-in worker process for the kill -9 test and the fleet-scale bench: only the replication
// samplers of a real worker (lib/worker/sampler.ts), under the owner id given as the argument.
// It prints one JSON line per 250 ms: the clusters it samples, its CPU time and memory, so the
// parent can watch it without touching its internals. With `--wait` it starts sampling only when
// it reads a line "start" on stdin (a test can then time a takeover without the start-up). Run it with `node --import tsx` (not the
// tsx CLI, whose extra parent process would survive a SIGKILL meant for the worker).
import readline from "node:readline";
import { env } from "@/lib/env";
import { SamplerFleet } from "@/lib/worker/sampler";

export interface SamplerChildReport {
  ownerId: string;
  pid: number;
  /** Date.now() when the line was written. */
  at: number;
  owned: string[];
  cpuMs: number;
  rssMiB: number;
  heapMiB: number;
}

const ownerId = process.argv[2] ?? `sampler-child-${process.pid}`;
// Its log (state changes, failures) goes to stderr only when asked for: a large fleet says a lot.
const fleet = new SamplerFleet(env().DATABASE_URL, ownerId, (line) => {
  if (process.env.WALDEN_SAMPLER_CHILD_LOG) console.error(`[${ownerId}] ${line}`);
});
if (process.argv[3] === "--wait") {
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    if (line.trim() === "start") fleet.start();
  });
} else {
  fleet.start();
}

const report = () => {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const line: SamplerChildReport = {
    ownerId,
    pid: process.pid,
    at: Date.now(),
    owned: fleet.ownedClusterIds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMiB: memory.rss / 2 ** 20,
    heapMiB: memory.heapUsed / 2 ** 20,
  };
  console.log(JSON.stringify(line));
};
const timer = setInterval(report, 250);
report();

process.on("SIGTERM", () => {
  clearInterval(timer);
  void fleet.stop().finally(() => process.exit(0));
});
