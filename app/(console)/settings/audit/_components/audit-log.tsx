"use client";

import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { formatUtc, Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import { useAuditEvents } from "@/lib/client/use-audit";
import type { AuditEventSummary } from "@/lib/schemas/user";

function outcomeTone(outcome: string): BadgeTone {
  if (outcome === "success") return "success";
  if (outcome === "denied" || outcome === "failure" || outcome === "failed" || outcome === "error")
    return "danger";
  return "neutral";
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** UUIDs shortened to their first block (the full id is in the tooltip); other ids as they are. */
function TargetId({ id }: { id: string }) {
  return (
    <code title={id} className="ml-1 break-all">
      {uuid.test(id) ? `${id.slice(0, 8)}…` : id}
    </code>
  );
}

function compactJson(value: unknown): string {
  if (value === null || value === undefined) return "";
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function AuditLog({ limit, initialEvents }: { limit: number; initialEvents: AuditEventSummary[] }) {
  const { data: events, error, isFetching, refetch, dataUpdatedAt } = useAuditEvents(limit, initialEvents);
  const t = useTranslations("settings.audit");

  return (
    <Card aria-labelledby="audit-title">
      <CardHeader
        id="audit-title"
        title={t("events")}
        description={
          <>
            {t("shown", { count: events.length })}{" "}
            {/* Server and browser stamp the initial data separately; the minute may differ. */}
            <span suppressHydrationWarning>{formatUtc(new Date(dataUpdatedAt))}</span> · {t("every")}
          </>
        }
        actions={
          <Button size="sm" onClick={() => refetch()} disabled={isFetching}>
            {isFetching ? <Spinner /> : null}
            {t("refresh")}
          </Button>
        }
      />
      {error ? (
        <div className="px-4 pt-3">
          <Alert tone="error" title={t("refreshFailed")}>
            {errorMessage(error)}
          </Alert>
        </div>
      ) : null}
      {events.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <Table aria-label={t("tableLabel")} className="text-[13px]">
          <THead>
            <tr>
              <TH>{t("time")}</TH>
              <TH>{t("actor")}</TH>
              <TH>{t("action")}</TH>
              <TH>{t("target")}</TH>
              <TH>{t("outcome")}</TH>
              <TH>{t("ip")}</TH>
              <TH>{t("details")}</TH>
            </tr>
          </THead>
          <TBody>
            {events.map((event) => {
              const details = compactJson(event.details);
              return (
                <TR key={event.id} className={event.outcome === "denied" ? "bg-red-50/40" : undefined}>
                  <TD className="py-1.5">
                    <Time value={event.at} />
                  </TD>
                  <TD className="py-1.5">{event.actor}</TD>
                  <TD className="py-1.5">
                    <code>{event.action}</code>
                  </TD>
                  <TD className="py-1.5">
                    {event.targetType ? (
                      <span>
                        <span className="text-zinc-500">{event.targetType}</span>
                        {event.targetId ? <TargetId id={event.targetId} /> : null}
                      </span>
                    ) : (
                      <span className="text-zinc-400">—</span>
                    )}
                  </TD>
                  <TD className="py-1.5">
                    <Badge tone={outcomeTone(event.outcome)}>{event.outcome}</Badge>
                  </TD>
                  <TD className="py-1.5 text-zinc-500">{event.ip ?? "—"}</TD>
                  <TD className="max-w-md py-1.5">
                    {details ? (
                      <code
                        title={details}
                        className="line-clamp-2 font-mono text-xs break-all text-zinc-600"
                      >
                        {details}
                      </code>
                    ) : (
                      <span className="text-zinc-400">—</span>
                    )}
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
