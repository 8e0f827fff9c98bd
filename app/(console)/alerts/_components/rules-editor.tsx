"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useAlertKindLabel, useSeverityLabel } from "@/components/alerts/alert-labels";
import {
  useAlertRules,
  useChannels,
  useCreateAlertRule,
  useDeleteAlertRule,
  useUpdateAlertRule,
  type AlertRuleSummary,
  type ChannelSummary,
} from "@/lib/client/use-alerts";
import { ClusterField } from "@/components/clusters/cluster-field";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Alert } from "@/components/ui/alert";
import { CheckboxField } from "@/components/ui/choice";
import { FieldError } from "@/components/ui/field";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { formatBytes, formatSeconds } from "@/components/ui/format";
import { Input, Select } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { errorMessage } from "@/lib/client/fetcher";
import { alertKinds, thresholdUnits, type AlertKind, type Severity } from "@/lib/schemas/alerts";

const MIB = 1024 * 1024;

/** Byte thresholds are typed in MiB; the API takes bytes. */
function isBytes(kind: AlertKind): boolean {
  return thresholdUnits[kind]?.startsWith("bytes") ?? false;
}

function formatThreshold(rule: AlertRuleSummary): string {
  if (rule.threshold === null || rule.threshold === undefined) return "—";
  if (isBytes(rule.kind)) return formatBytes(rule.threshold);
  if (thresholdUnits[rule.kind]?.startsWith("seconds")) return formatSeconds(rule.threshold);
  return String(rule.threshold);
}

interface FormValues {
  clusterId: string;
  kind: AlertKind;
  threshold: string;
  forSeconds: string;
  severity: Severity;
  enabled: boolean;
  channelIds: string[];
}

const fields = ["clusterId", "kind", "threshold", "forSeconds", "severity", "enabled", "channelIds"] as const;

function RuleForm({
  rule,
  clusters,
  channels,
  onDone,
}: {
  rule: AlertRuleSummary | undefined;
  clusters: { id: string; name: string }[];
  channels: ChannelSummary[];
  onDone: () => void;
}) {
  const t = useTranslations("alerts.rules");
  const alertKindLabel = useAlertKindLabel();
  const severityLabel = useSeverityLabel();
  const create = useCreateAlertRule();
  const update = useUpdateAlertRule(rule?.id ?? "");
  const save = rule ? update : create;
  const form = useForm<FormValues>({
    defaultValues: rule
      ? {
          clusterId: rule.clusterId ?? "",
          kind: rule.kind,
          threshold:
            rule.threshold === null ? "" : String(isBytes(rule.kind) ? rule.threshold / MIB : rule.threshold),
          forSeconds: String(rule.forSeconds),
          severity: rule.severity,
          enabled: rule.enabled,
          channelIds: rule.channelIds,
        }
      : {
          clusterId: clusters[0]?.id ?? "",
          kind: "replication_lag_bytes",
          threshold: "",
          forSeconds: "60",
          severity: "warning",
          enabled: true,
          channelIds: [],
        },
  });
  const {
    register,
    handleSubmit,
    setError,
    control,
    formState: { errors },
  } = form;
  const server = useServerErrors(save, setError, fields);
  const kind = useWatch({ control, name: "kind" });
  const unit = thresholdUnits[kind];
  const busy = save.isPending;

  const onSubmit = handleSubmit((values) => {
    const thresholdText = values.threshold.trim();
    const threshold =
      unit === null || thresholdText === ""
        ? undefined
        : Number(thresholdText) * (isBytes(values.kind) ? MIB : 1);
    if (threshold !== undefined && !Number.isFinite(threshold)) {
      setError("threshold", { type: "client", message: t("notNumber") });
      return;
    }
    const forSeconds = Number(values.forSeconds.trim() || "0");
    if (!Number.isInteger(forSeconds) || forSeconds < 0) {
      setError("forSeconds", { type: "client", message: t("notSeconds") });
      return;
    }
    const common = {
      threshold: threshold === undefined ? undefined : Math.round(threshold),
      forSeconds,
      severity: values.severity,
      enabled: values.enabled,
      channelIds: values.channelIds,
    };
    if (rule) {
      update.mutate(common, { onSuccess: onDone, onError: server.onError });
    } else {
      create.mutate(
        { ...common, kind: values.kind, clusterId: values.clusterId || undefined },
        { onSuccess: onDone, onError: server.onError },
      );
    }
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={rule ? t("editLabel", { kind: alertKindLabel(rule.kind) }) : t("newLabel")}
      className="m-4 space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <ClusterField
          form={form}
          name="clusterId"
          clusters={clusters}
          allLabel={t("allClusters")}
          disabled={Boolean(rule)}
        />
        <FormField form={form} name="kind" label={t("kind")}>
          {(control) => (
            <Select
              disabled={Boolean(rule)}
              choices={alertKinds.map((value) => [value, alertKindLabel(value)] as const)}
              {...control}
            />
          )}
        </FormField>
        <FormField form={form} name="severity" label={t("severity")}>
          {(control) => (
            <Select
              choices={(["warning", "critical"] as const).map(
                (value) => [value, severityLabel(value)] as const,
              )}
              {...control}
            />
          )}
        </FormField>
        <FormField
          form={form}
          name="threshold"
          label={isBytes(kind) ? t("thresholdMib") : t("threshold")}
          hint={
            unit === null ? t("noThreshold") : isBytes(kind) ? t("inMib", { unit }) : t("inUnit", { unit })
          }
        >
          {(control) => (
            <Input inputMode="decimal" autoComplete="off" disabled={unit === null} {...control} />
          )}
        </FormField>
        <FormField form={form} name="forSeconds" label={t("forSeconds")} hint={t("forHint")}>
          {(control) => <Input inputMode="numeric" autoComplete="off" {...control} />}
        </FormField>
        <FormCheckbox form={form} name="enabled" label={t("enabledLabel")} className="self-end pb-2" />
      </div>
      <fieldset>
        <legend className="text-xs font-medium text-zinc-700">{t("notify")}</legend>
        {channels.length === 0 ? (
          <p className="mt-1 text-xs text-zinc-500">{t("noChannels")}</p>
        ) : (
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {channels.map((channel) => (
              <CheckboxField
                key={channel.id}
                label={channel.name}
                value={channel.id}
                {...register("channelIds")}
              />
            ))}
          </div>
        )}
        {errors.channelIds?.message ? <FieldError>{errors.channelIds.message}</FieldError> : null}
      </fieldset>
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={rule ? t("save") : t("create")} busy={busy} onCancel={onDone} size="sm" />
    </form>
  );
}

function RuleRow({
  rule,
  clusters,
  channels,
}: {
  rule: AlertRuleSummary;
  clusters: { id: string; name: string }[];
  channels: ChannelSummary[];
}) {
  const t = useTranslations("alerts.rules");
  const alertKindLabel = useAlertKindLabel();
  const severityLabel = useSeverityLabel();
  const remove = useDeleteAlertRule(rule.id);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const clusterName = rule.clusterId
    ? (clusters.find((cluster) => cluster.id === rule.clusterId)?.name ?? rule.clusterId.slice(0, 8))
    : t("everyCluster");
  const channelNames = rule.channelIds
    .map((channelId) => channels.find((channel) => channel.id === channelId)?.name)
    .filter((name): name is string => Boolean(name));

  return (
    <>
      <TR aria-label={t("rowLabel", { kind: alertKindLabel(rule.kind), cluster: clusterName })}>
        <TD className="font-medium">{alertKindLabel(rule.kind)}</TD>
        <TD>{clusterName}</TD>
        <TD className="tabular-nums">{formatThreshold(rule)}</TD>
        <TD className="tabular-nums">{formatSeconds(rule.forSeconds)}</TD>
        <TD>
          <Badge tone={rule.severity === "critical" ? "danger" : "warning"}>
            {severityLabel(rule.severity)}
          </Badge>
        </TD>
        <TD>{rule.enabled ? <Badge tone="accent">{t("enabled")}</Badge> : <Badge>{t("disabled")}</Badge>}</TD>
        <TD className="text-xs">{channelNames.length ? channelNames.join(", ") : "—"}</TD>
        <TD>
          <div className="flex justify-end gap-1.5">
            {confirming ? (
              <>
                <Button size="sm" onClick={() => setConfirming(false)} disabled={remove.isPending}>
                  {t("keep")}
                </Button>
                <Button
                  size="sm"
                  variant="danger"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate()}
                >
                  {remove.isPending ? <Spinner /> : null}
                  {t("delete")}
                </Button>
              </>
            ) : (
              <>
                <Button size="sm" onClick={() => setEditing((shown) => !shown)}>
                  {t("edit")}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirming(true)}>
                  {t("delete")}
                </Button>
              </>
            )}
          </div>
          {remove.isError ? (
            <p className="text-right text-xs text-red-600">{errorMessage(remove.error)}</p>
          ) : null}
        </TD>
      </TR>
      {editing ? (
        <tr>
          <td colSpan={8}>
            <RuleForm rule={rule} clusters={clusters} channels={channels} onDone={() => setEditing(false)} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** Alert rules (admin): per cluster or for every cluster, with threshold, duration, severity and channels. */
export function RulesEditor({ clusters }: { clusters: { id: string; name: string }[] }) {
  const t = useTranslations("alerts.rules");
  const rules = useAlertRules();
  const channels = useChannels();
  const [adding, setAdding] = useState(false);
  const channelList = channels.data ?? [];

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          adding ? null : (
            <Button size="sm" variant="primary" onClick={() => setAdding(true)}>
              {t("new")}
            </Button>
          )
        }
      />
      {adding ? (
        <RuleForm
          rule={undefined}
          clusters={clusters}
          channels={channelList}
          onDone={() => setAdding(false)}
        />
      ) : null}
      {rules.isError ? (
        <div className="px-4 py-3">
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(rules.error)}
          </Alert>
        </div>
      ) : null}
      {rules.data ? (
        rules.data.length === 0 ? (
          <EmptyState title={t("empty")} />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH>{t("kind")}</TH>
                <TH>{t("cluster")}</TH>
                <TH>{t("threshold")}</TH>
                <TH>{t("for")}</TH>
                <TH>{t("severity")}</TH>
                <TH>{t("state")}</TH>
                <TH>{t("notify")}</TH>
                <TH>
                  <span className="sr-only">{t("actions")}</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {rules.data.map((rule) => (
                <RuleRow key={rule.id} rule={rule} clusters={clusters} channels={channelList} />
              ))}
            </TBody>
          </Table>
        )
      ) : rules.isPending ? (
        <p className="flex items-center gap-2 px-4 py-4 text-sm text-zinc-500">
          <Spinner /> {t("loading")}
        </p>
      ) : null}
    </Card>
  );
}
