"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { FormField } from "@/components/forms/form-field";
import { EditableSettingsCard } from "./editable-settings-card";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { CardBody } from "@/components/ui/card";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { useFormat } from "@/components/ui/use-format";
import { useCluster, useUpdateCluster } from "@/lib/client/use-clusters";
import type { ClusterSummary, ClusterUpdateInput } from "@/lib/schemas/cluster";

interface GeneralValues {
  name: string;
  sampleIntervalSeconds: number;
  rpoTargetMinutes: number;
  rtoTargetMinutes: number;
}

const minutes = (seconds: number) => Math.round((seconds / 60) * 100) / 100;

/** Name, sampling interval and the RPO/RTO targets: shown to everyone, edited by an admin. */
export function SettingsGeneralCard({ initial, canEdit }: { initial: ClusterSummary; canEdit: boolean }) {
  const t = useTranslations("cluster.settings.general");
  const { formatSeconds } = useFormat();
  const { data: cluster } = useCluster(initial.id, initial);

  return (
    <EditableSettingsCard
      id="settings-general-title"
      title={t("title")}
      description={t("description")}
      canEdit={canEdit}
      labels={{ edit: t("edit"), saved: t("saved") }}
      form={(onDone) => <GeneralForm cluster={cluster} onDone={onDone} />}
    >
      <CardBody>
        <DescriptionList termWidth="10rem">
          <Description term={t("name")}>
            <code>{cluster.name}</code>
          </Description>
          <Description term={t("sampleInterval")} hint={t("sampleIntervalHint")}>
            {t("everySeconds", { seconds: cluster.sampleIntervalSeconds })}
          </Description>
          <Description term={t("rpoTarget")} hint={t("rpoTargetHint")}>
            {formatSeconds(cluster.rpoTargetSeconds)}
          </Description>
          <Description term={t("rtoTarget")} hint={t("rtoTargetHint")}>
            {formatSeconds(cluster.rtoTargetSeconds)}
          </Description>
        </DescriptionList>
      </CardBody>
    </EditableSettingsCard>
  );
}

function GeneralForm({ cluster, onDone }: { cluster: ClusterSummary; onDone: (changed: boolean) => void }) {
  const t = useTranslations("cluster.settings.general");
  const router = useRouter();
  const update = useUpdateCluster(cluster.id);
  const form = useForm<GeneralValues>({
    defaultValues: {
      name: cluster.name,
      sampleIntervalSeconds: cluster.sampleIntervalSeconds,
      rpoTargetMinutes: minutes(cluster.rpoTargetSeconds),
      rtoTargetMinutes: minutes(cluster.rtoTargetSeconds),
    },
  });
  // The API's names are seconds; the form asks for minutes.
  const server = useServerErrors(update, form.setError, (issue) => {
    const field = (
      {
        name: "name",
        sampleIntervalSeconds: "sampleIntervalSeconds",
        rpoTargetSeconds: "rpoTargetMinutes",
        rtoTargetSeconds: "rtoTargetMinutes",
      } as const
    )[issue.path.split(".")[0] ?? ""];
    return field
      ? { field, message: issue.message }
      : { field: "root", message: issue.path ? `${issue.path}: ${issue.message}` : issue.message };
  });

  const onSubmit = form.handleSubmit((values) => {
    const body: ClusterUpdateInput = {};
    const name = values.name.trim();
    if (name !== cluster.name) body.name = name;
    if (values.sampleIntervalSeconds !== cluster.sampleIntervalSeconds)
      body.sampleIntervalSeconds = values.sampleIntervalSeconds;
    const rpo = Math.round(values.rpoTargetMinutes * 60);
    if (rpo !== cluster.rpoTargetSeconds) body.rpoTargetSeconds = rpo;
    const rto = Math.round(values.rtoTargetMinutes * 60);
    if (rto !== cluster.rtoTargetSeconds) body.rtoTargetSeconds = rto;
    if (Object.keys(body).length === 0) return onDone(false);
    update.mutate(body, {
      onSuccess: () => {
        onDone(true);
        router.refresh();
      },
      onError: server.onError,
    });
  });

  return (
    <form aria-label={t("formLabel")} noValidate onSubmit={onSubmit} className="space-y-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <FormField form={form} name="name" label={t("name")} hint={t("nameHint")}>
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField
          form={form}
          name="sampleIntervalSeconds"
          options={{ valueAsNumber: true }}
          label={t("sampleIntervalLabel")}
          hint={t("sampleIntervalHint")}
        >
          {(control) => <Input type="number" inputMode="numeric" min={1} max={60} step={1} {...control} />}
        </FormField>
        <FormField
          form={form}
          name="rpoTargetMinutes"
          options={{ valueAsNumber: true }}
          label={t("rpoTargetLabel")}
          hint={t("rpoTargetHint")}
        >
          {(control) => <Input type="number" inputMode="decimal" min={1} step="any" {...control} />}
        </FormField>
        <FormField
          form={form}
          name="rtoTargetMinutes"
          options={{ valueAsNumber: true }}
          label={t("rtoTargetLabel")}
          hint={t("rtoTargetHint")}
        >
          {(control) => <Input type="number" inputMode="decimal" min={1} step="any" {...control} />}
        </FormField>
      </div>
      <FormErrors root={form.formState.errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("save")} busy={update.isPending} onCancel={() => onDone(false)} />
    </form>
  );
}
