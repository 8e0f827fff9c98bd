"use client";

import { useParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { errorMessage } from "@/lib/client/fetcher";
import { useSandboxFailover, useSandboxFailoverAvailable } from "@/lib/client/use-sandbox-failover";
import { sandboxNodeNames } from "@/lib/schemas/sandbox";

/**
 * The demo's switchover, for admins on the sandbox's cluster only (the server answers 403/404
 * to anyone else, and then nothing is shown): promote a standby, rewind the old primary.
 */
export function SandboxFailover({ nodes }: { nodes: string[] }) {
  const t = useTranslations("cluster.failover");
  const { clusterId } = useParams<{ clusterId: string }>();
  const available = useSandboxFailoverAvailable(clusterId);
  const failover = useSandboxFailover(clusterId);
  if (!available.isSuccess) return null;
  const targets = sandboxNodeNames.filter((name) => nodes.includes(name));
  return (
    <Card aria-labelledby="failover-title">
      <CardHeader id="failover-title" title={t("title")} />
      <div className="px-4 py-3 text-sm" role="group" aria-label={t("label")}>
        <p className="text-zinc-600">{t("description")}</p>
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
              {t("to", { node })}
            </Button>
          ))}
        </div>
        {failover.isSuccess ? (
          <p className="mt-2 text-zinc-600">{t("queued", { node: failover.data.node })}</p>
        ) : null}
        {failover.isError ? (
          <Alert tone="error" className="mt-2">
            {errorMessage(failover.error)}
          </Alert>
        ) : null}
      </div>
    </Card>
  );
}
