"use client";

import { useParams } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { errorMessage } from "@/lib/client/fetcher";
import { useSandboxFailover, useSandboxFailoverAvailable } from "@/lib/client/use-sandbox-failover";
import { sandboxNodeNames } from "@/lib/schemas/sandbox";

/**
 * The demo's switchover, for admins on the sandbox's cluster only (the server answers 403/404
 * to anyone else, and then nothing is shown): promote a standby, rewind the old primary.
 */
export function SandboxFailover({ nodes }: { nodes: string[] }) {
  const { clusterId } = useParams<{ clusterId: string }>();
  const available = useSandboxFailoverAvailable(clusterId);
  const failover = useSandboxFailover(clusterId);
  if (!available.isSuccess) return null;
  const targets = sandboxNodeNames.filter((name) => nodes.includes(name));
  return (
    <div className="border-t border-zinc-100 px-4 py-3 text-sm" role="group" aria-label="Demo failover">
      <p className="text-zinc-600">
        Demo sandbox: promote a node (the old primary is rewound with pg_rewind and follows it). Walden
        follows within seconds.
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        {targets.map((node) => (
          <Button
            key={node}
            variant="secondary"
            size="sm"
            disabled={failover.isPending}
            onClick={() => failover.mutate(node)}
          >
            {failover.isPending && failover.variables === node ? <Spinner /> : null}
            Fail over to {node}
          </Button>
        ))}
      </div>
      {failover.isSuccess ? (
        <p className="mt-2 text-zinc-600">
          Queued: the worker promotes {failover.data.node}. Watch the topology above.
        </p>
      ) : null}
      {failover.isError ? (
        <Alert tone="error" className="mt-2">
          {errorMessage(failover.error)}
        </Alert>
      ) : null}
    </div>
  );
}
