import { audit } from "@/lib/auth/audit";
import { isDemoSandboxCluster } from "@/lib/demo/sandbox-cluster";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import { json, readJson, withRoute } from "@/lib/route";
import { sandboxFailoverRequestSchema, type SandboxFailoverAnswer } from "@/lib/schemas/sandbox";

export const dynamic = "force-dynamic";

// POST /api/v1/sandbox/failover — the demo's failover (admin; the sandbox's cluster only, else 404):
// the worker promotes `node` and rewinds the old primary into its standby (README "How Walden
// sees roles"). With dryRun, only whether the button applies: 200, nothing queued.
export const POST = withRoute({ role: "admin", action: "sandbox.failover" }, async ({ req, actor, meta }) => {
  const { dryRun, ...request } = sandboxFailoverRequestSchema.parse(await readJson(req));
  if (!(await isDemoSandboxCluster(request.clusterId)))
    throw new AppError(
      "not_found",
      `Cluster ${request.clusterId} is not the demo sandbox's: the failover button exists only in the demo (npm run demo)`,
    );
  if (dryRun) return json({ node: request.node, jobId: null } satisfies SandboxFailoverAnswer);
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
  return json({ node: request.node, jobId } satisfies SandboxFailoverAnswer, 202);
});
