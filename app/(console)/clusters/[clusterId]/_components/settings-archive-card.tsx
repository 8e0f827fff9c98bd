"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useForm, useWatch } from "react-hook-form";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { EditableSettingsCard } from "./editable-settings-card";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { CardBody } from "@/components/ui/card";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { FormActions } from "@/components/ui/form-actions";
import { Input, Select } from "@/components/ui/input";
import { useCluster, useUpdateCluster } from "@/lib/client/use-clusters";
import type { ClusterSummary, ClusterUpdateInput } from "@/lib/schemas/cluster";

interface ArchiveValues {
  mode: "archive_command" | "stream";
  /** Empty: WALDEN_HOME/archive/<name>. */
  path: string;
  /** Empty: WALDEN_HOME/repo. */
  repositoryPath: string;
  /** Empty: no second copy. */
  secondaryPath: string;
  secondaryOffsite: boolean;
}

const fieldOf: Record<string, keyof ArchiveValues> = {
  "archive.mode": "mode",
  "archive.path": "path",
  "repository.path": "repositoryPath",
  "repository.secondaryPath": "secondaryPath",
  "repository.secondaryOffsite": "secondaryOffsite",
};

/** Where WAL is archived and how, and where backups are written: shown to everyone, edited by an admin. */
export function SettingsArchiveCard({ initial, canEdit }: { initial: ClusterSummary; canEdit: boolean }) {
  const t = useTranslations("cluster.settings.archive");
  const { data: cluster } = useCluster(initial.id, initial);

  return (
    <EditableSettingsCard
      id="archive-title"
      title={t("title")}
      canEdit={canEdit}
      labels={{ edit: t("edit"), saved: t("saved") }}
      form={(onDone) => <ArchiveForm cluster={cluster} onDone={onDone} />}
    >
      <CardBody>
        <DescriptionList termWidth="10rem">
          <Description term={t("mode")}>
            <code>{cluster.archive.mode}</code>
            <span className="ml-2 text-zinc-500">
              {cluster.archive.mode === "stream" ? t("modeStream") : t("modeArchiveCommand")}
            </span>
          </Description>
          <Description term={t("path")}>
            {cluster.archive.path ? (
              <code className="break-all">{cluster.archive.path}</code>
            ) : (
              <span className="text-zinc-400">—</span>
            )}
          </Description>
          <Description term={t("repositoryPath")}>
            {cluster.repository.path ? (
              <code className="break-all">{cluster.repository.path}</code>
            ) : (
              <span className="text-zinc-500">{t("repositoryDefault")}</span>
            )}
          </Description>
          <Description term={t("secondaryPath")}>
            {cluster.repository.secondaryPath ? (
              <>
                <code className="break-all">{cluster.repository.secondaryPath}</code>
                {cluster.repository.secondaryOffsite ? (
                  <span className="ml-2 text-zinc-500">{t("secondaryOffsiteShort")}</span>
                ) : null}
              </>
            ) : (
              <span className="text-zinc-500">{t("secondaryNone")}</span>
            )}
          </Description>
        </DescriptionList>
      </CardBody>
    </EditableSettingsCard>
  );
}

function ArchiveForm({ cluster, onDone }: { cluster: ClusterSummary; onDone: (changed: boolean) => void }) {
  const t = useTranslations("cluster.settings.archive");
  const router = useRouter();
  const update = useUpdateCluster(cluster.id);
  const form = useForm<ArchiveValues>({
    defaultValues: {
      mode: cluster.archive.mode,
      path: cluster.archive.path ?? "",
      repositoryPath: cluster.repository.path ?? "",
      secondaryPath: cluster.repository.secondaryPath ?? "",
      secondaryOffsite: cluster.repository.secondaryOffsite,
    },
  });
  const secondary = useWatch({ control: form.control, name: "secondaryPath" });
  const server = useServerErrors(update, form.setError, (issue) => {
    const field = fieldOf[issue.path] ?? (issue.path === "archive" ? "path" : undefined);
    return field
      ? { field, message: issue.message }
      : { field: "root", message: issue.path ? `${issue.path}: ${issue.message}` : issue.message };
  });

  const onSubmit = form.handleSubmit((values) => {
    const body: ClusterUpdateInput = {};
    const path = values.path.trim();
    if (values.mode !== cluster.archive.mode || path !== (cluster.archive.path ?? ""))
      body.archive = { mode: values.mode, ...(path ? { path } : {}) };
    const repository = {
      path: values.repositoryPath.trim() || null,
      secondaryPath: values.secondaryPath.trim() || null,
      secondaryOffsite: values.secondaryPath.trim() ? values.secondaryOffsite : false,
    };
    if (
      repository.path !== cluster.repository.path ||
      repository.secondaryPath !== cluster.repository.secondaryPath ||
      repository.secondaryOffsite !== cluster.repository.secondaryOffsite
    )
      body.repository = repository;
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
        <FormField form={form} name="mode" label={t("mode")} hint={t("modeHint")}>
          {(control) => (
            <Select
              choices={[
                ["archive_command", "archive_command"],
                ["stream", "stream (pg_receivewal)"],
              ]}
              {...control}
            />
          )}
        </FormField>
        <FormField form={form} name="path" label={t("path")} hint={t("pathHint")}>
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField
          form={form}
          name="repositoryPath"
          label={t("repositoryPath")}
          hint={t("repositoryPathHint")}
        >
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField form={form} name="secondaryPath" label={t("secondaryPath")} hint={t("secondaryPathHint")}>
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
      </div>
      {secondary.trim() ? (
        <FormCheckbox form={form} name="secondaryOffsite" label={t("secondaryOffsite")} />
      ) : null}
      <FormErrors root={form.formState.errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("save")} busy={update.isPending} onCancel={() => onDone(false)} />
    </form>
  );
}
