import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { audit } from "@/lib/auth/audit";
import { startupSettings } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import { json, readJson, withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

const failoverRequestSchema = z.strictObject({
  clusterId: z.uuid("must be a cluster id (uuid)"),
  node: z.enum(["primary", "standby1", "standby2"], { error: "must be primary, standby1 or standby2" }),
});

/**
 * The cluster ids the demo registered for its sandbox ($WALDEN_HOME/sandbox.json, written by
 * `npm run demo`); none outside the demo, so the button and this endpoint do nothing there.
 */
async function sandboxClusterIds(): Promise<string[]> {
  const home = path.resolve(startupSettings("WALDEN_HOME").WALDEN_HOME || ".walden");
  const text = await fs.readFile(path.join(home, "sandbox.json"), "utf8").catch(() => null);
  const parsed = z
    .string()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not JSON" });
        return z.NEVER;
      }
    })
    .pipe(z.object({ clusters: z.array(z.object({ id: z.string() })) }))
    .safeParse(text);
  return parsed.success ? parsed.data.clusters.map((cluster) => cluster.id) : [];
}

// POST /api/v1/sandbox/failover — the demo's failover (admin; the sandbox's cluster only, else 404):
// the worker promotes `node` and rewinds the old primary into its standby (README "How Walden sees roles")
export const POST = withRoute({ role: "admin", action: "sandbox.failover" }, async ({ req, actor, meta }) => {
  const request = failoverRequestSchema.parse(await readJson(req));
  if (!(await sandboxClusterIds()).includes(request.clusterId))
    throw new AppError(
      "not_found",
      `Cluster ${request.clusterId} is not the demo sandbox's: the failover button exists only in the demo (npm run demo)`,
    );
  const jobId = await enqueue(await jobSender(), "sandbox.failover", request);
  await audit(
    actor,
    {
      action: "sandbox.failover",
      outcome: "success",
      target: { type: "cluster", id: request.clusterId },
      details: { node: request.node, jobId },
    },
    meta,
  );
  return json({ jobId, node: request.node }, 202);
});
