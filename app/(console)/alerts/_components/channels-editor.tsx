"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import {
  useChannels,
  useDeleteChannel,
  useDeliveries,
  useTestChannel,
  type ChannelSummary,
} from "@/lib/client/use-alerts";
import { ChannelForm, channelKinds } from "@/components/alerts/channel-form";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import type { ChannelKind } from "@/lib/schemas/notification-channels";

const statusTones: Record<string, BadgeTone> = { delivered: "success", failed: "danger", pending: "warning" };

function statusBadge(status: string | undefined) {
  if (!status) return null;
  return <Badge tone={statusTones[status] ?? "neutral"}>{status}</Badge>;
}

function Deliveries({ channelId }: { channelId: string }) {
  const t = useTranslations("alerts.channels");
  const query = useDeliveries(channelId);
  const deliveries = query.data;
  if (query.isError) return <Alert tone="error">{errorMessage(query.error)}</Alert>;
  if (!deliveries) return <p className="text-xs text-zinc-500">{t("loadingDeliveries")}</p>;
  if (deliveries.length === 0) return <p className="text-xs text-zinc-500">{t("noDeliveries")}</p>;
  return (
    <Table aria-label={t("deliveriesLabel")}>
      <THead>
        <tr>
          <TH>{t("event")}</TH>
          <TH>{t("status")}</TH>
          <TH>{t("attempts")}</TH>
          <TH>{t("response")}</TH>
          <TH>{t("created")}</TH>
          <TH>{t("delivered")}</TH>
        </tr>
      </THead>
      <TBody>
        {deliveries.slice(0, 10).map((delivery) => (
          <TR key={delivery.id}>
            <TD>
              {delivery.event}
              {delivery.text ? (
                <span className="block max-w-xs truncate text-xs text-zinc-500" title={delivery.text}>
                  {delivery.text}
                </span>
              ) : null}
            </TD>
            <TD>
              {statusBadge(delivery.status)}
              {delivery.status === "pending" && delivery.nextAttemptAt ? (
                <span className="block text-xs text-zinc-500">
                  {t("retryAt")} <Time value={delivery.nextAttemptAt} />
                </span>
              ) : null}
            </TD>
            <TD className="tabular-nums">{delivery.attempts}</TD>
            <TD className="text-xs">
              {delivery.responseStatus ? `HTTP ${delivery.responseStatus}` : null}
              {delivery.lastError ? <span className="block text-red-700">{delivery.lastError}</span> : null}
            </TD>
            <TD>
              <Time value={delivery.createdAt} />
            </TD>
            <TD>
              <Time value={delivery.deliveredAt} />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

function ChannelRow({ channel }: { channel: ChannelSummary }) {
  const t = useTranslations("alerts.channels");
  const [editing, setEditing] = useState(false);
  const test = useTestChannel(channel.id);
  const remove = useDeleteChannel(channel.id);
  const [confirming, setConfirming] = useState(false);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const result = test.data;

  return (
    <li className="space-y-2 px-4 py-3" aria-label={t("rowLabel", { name: channel.name })}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className="text-sm font-medium text-zinc-900">{channel.name}</h3>
          <Badge>{channel.kind}</Badge>
          <span className="text-xs text-zinc-500">{channel.displayTarget}</span>
        </div>
        <div className="flex items-center gap-2">
          {confirming ? (
            <>
              <span className="text-xs text-zinc-600">{t("confirmDelete")}</span>
              <Button size="sm" onClick={() => setConfirming(false)} disabled={remove.isPending}>
                {t("keep")}
              </Button>
              <Button size="sm" variant="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
                {remove.isPending ? <Spinner /> : null}
                {t("delete")}
              </Button>
            </>
          ) : (
            <>
              <Button size="sm" disabled={test.isPending} onClick={() => test.mutate()}>
                {test.isPending ? <Spinner /> : null}
                {t("sendTest")}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setShowDeliveries((shown) => !shown)}>
                {showDeliveries ? t("hideDeliveries") : t("deliveries")}
              </Button>
              {channel.settings ? (
                <Button size="sm" variant="ghost" onClick={() => setEditing((shown) => !shown)}>
                  {t("edit")}
                </Button>
              ) : null}
              <Button size="sm" variant="ghost" onClick={() => setConfirming(true)}>
                {t("delete")}
              </Button>
            </>
          )}
        </div>
      </div>
      {editing ? (
        <ChannelForm kind={channel.kind} channel={channel} onDone={() => setEditing(false)} />
      ) : null}
      {result ? (
        <Alert
          tone={result.status === "delivered" || result.ok === true ? "success" : "error"}
          title={
            result.status === "delivered" || result.ok === true
              ? t("testDelivered")
              : t("testFailed")
          }
        >
          <span className="flex flex-wrap items-center gap-2">
            {statusBadge(result.status)}
            {result.responseStatus ? <span>HTTP {result.responseStatus}</span> : null}
            {typeof result.attempts === "number" ? (
              <span>{t("attemptCount", { count: result.attempts })}</span>
            ) : null}
            {result.lastError ? <span>{result.lastError}</span> : null}
          </span>
        </Alert>
      ) : null}
      {test.isError ? <Alert tone="error">{errorMessage(test.error)}</Alert> : null}
      {remove.isError ? <Alert tone="error">{errorMessage(remove.error)}</Alert> : null}
      {showDeliveries ? <Deliveries channelId={channel.id} /> : null}
    </li>
  );
}

/** Notification channels (admin): webhooks, e-mail and PagerDuty; create, delete, send a test and read the delivery attempts. */
export function ChannelsEditor() {
  const t = useTranslations("alerts.channels");
  const tk = useTranslations("alerts.channelForm.kinds");
  const query = useChannels();
  const [adding, setAdding] = useState<ChannelKind | null>(null);
  const channels = query.data;

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          adding ? null : (
            <span className="flex flex-wrap gap-2">
              {channelKinds.map((kind) => (
                <Button key={kind} size="sm" variant="primary" onClick={() => setAdding(kind)}>
                  {t("new", { kind: tk(kind) })}
                </Button>
              ))}
            </span>
          )
        }
      />
      {adding ? <ChannelForm key={adding} kind={adding} onDone={() => setAdding(null)} /> : null}
      {query.isError ? (
        <div className="px-4 py-3">
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {channels ? (
        channels.length === 0 ? (
          <EmptyState title={t("emptyTitle")}>{t("empty")}</EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {channels.map((channel) => (
              <ChannelRow key={channel.id} channel={channel} />
            ))}
          </ul>
        )
      ) : query.isPending ? (
        <p className="flex items-center gap-2 px-4 py-4 text-sm text-zinc-500">
          <Spinner /> {t("loading")}
        </p>
      ) : null}
    </Card>
  );
}
