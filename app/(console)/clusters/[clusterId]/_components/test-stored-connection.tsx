"use client";

import { useTranslations } from "next-intl";
import { ConnectionErrorView, ConnectionReportView } from "@/components/clusters/connection-report-view";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { errorMessage } from "@/lib/client/fetcher";
import { useTestStoredConnection } from "@/lib/client/use-clusters";

/** Tests every node with its stored credentials and shows one result per node. */
export function TestStoredConnection({ clusterId }: { clusterId: string }) {
  const t = useTranslations("cluster.connectionTest");
  const test = useTestStoredConnection(clusterId);
  const results = test.data?.nodes ?? [];
  const primary = results.find((node) => node.role === "primary");
  const primarySystemIdentifier = primary?.ok ? primary.report.systemIdentifier : null;

  return (
    <Card aria-labelledby="connection-test-title">
      <CardHeader
        id="connection-test-title"
        title={t("title")}
        description={t("description")}
        actions={
          <Button size="sm" onClick={() => test.mutate()} disabled={test.isPending}>
            {test.isPending ? <Spinner /> : null}
            {t("run")}
          </Button>
        }
      />
      {test.isError || test.isSuccess ? (
        <CardBody>
          {test.isError ? (
            <Alert tone="error" title={t("failed")}>
              {errorMessage(test.error)}
            </Alert>
          ) : (
            <ul aria-label={t("results")} className="grid grid-cols-1 gap-3 lg:grid-cols-2">
              {results.map((node) => (
                <li key={node.name} aria-label={node.name}>
                  <p className="mb-1 text-xs font-medium text-zinc-700">
                    {node.name} <span className="font-normal text-zinc-500">({t(node.role)})</span>
                  </p>
                  {node.ok ? (
                    // The server already warns when a node's role differs from its registration.
                    <ConnectionReportView
                      report={node.report}
                      standbyOf={node.role === "standby" ? primarySystemIdentifier : undefined}
                    />
                  ) : (
                    <ConnectionErrorView code={node.error.code} message={node.error.message} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      ) : null}
    </Card>
  );
}
