import { db } from "@/lib/db";
import { failoverSandbox, sandboxOptionsFromEnv } from "@/lib/sandbox";
import { defineHandler } from "@/lib/worker/handler";

// sandbox.failover — the demo's failover button: the worker runs the sandbox's own failover
// (lib/sandbox/failover.ts) on the sandbox of WALDEN_HOME. The API queues it only for an admin,
// for the cluster the demo registered (app/api/v1/sandbox/failover/route.ts), audited; here the
// cluster must also point at this sandbox's servers, so a stray job can never touch another one.
export const sandboxFailover = defineHandler({
  queue: "sandbox.failover",
  async handle({ clusterId, node }, { log }) {
    const options = sandboxOptionsFromEnv();
    const nodes = await db().node.findMany({ where: { clusterId }, select: { host: true, port: true } });
    const sandboxPorts = [1, 2, 3].map((offset) => options.basePort + offset);
    const onSandbox = (n: { host: string; port: number }) =>
      n.host === "127.0.0.1" && sandboxPorts.includes(n.port);
    if (nodes.length === 0 || !nodes.every(onSandbox)) {
      log(
        `sandbox failover of cluster ${clusterId} refused: its nodes are not this sandbox's (ports ${sandboxPorts.join(", ")})`,
      );
      return;
    }
    const result = await failoverSandbox({ ...options, log }, node);
    log(
      `sandbox failover of cluster ${clusterId}: ${result.promoted} promoted (timeline ${result.timeline})${result.rejoined ? `, ${result.rejoined} rejoined as its standby` : ""}`,
    );
  },
});
