"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useFieldArray, useForm, useWatch, type UseFormReturn } from "react-hook-form";
import { FormField } from "@/components/forms/form-field";
import { EditableSettingsCard } from "./editable-settings-card";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useCluster, useUpdateCluster } from "@/lib/client/use-clusters";
import {
  SSL_MODES,
  type ClusterSummary,
  type ClusterUpdateInput,
  type NodeSummary,
  type SslMode,
} from "@/lib/schemas/cluster";
import { NodesTable } from "./nodes-table";

interface NodeValues {
  host: string;
  port: number;
  user: string;
  /** Empty: keep the stored one (allowed only while host, port and user stay the same). */
  password: string;
  database: string;
  sslmode: SslMode;
  /** Empty: keep the stored CA. */
  sslRootCert: string;
}
interface StandbyValues extends NodeValues {
  name: string;
}
interface NodesValues {
  primary: NodeValues;
  standbys: StandbyValues[];
}

const nodeValues = (node: NodeSummary): NodeValues => ({
  host: node.host,
  port: node.port,
  user: node.user,
  password: "",
  database: node.database,
  sslmode: node.sslmode,
  sslRootCert: "",
});

const endpoint = (node: { host: string; port: number; user: string }) =>
  `${node.host.trim()}:${node.port}:${node.user.trim()}`;

const verifies = (sslmode: string) => sslmode === "verify-ca" || sslmode === "verify-full";

function nodeBody(values: NodeValues) {
  return {
    host: values.host.trim(),
    port: values.port,
    user: values.user.trim(),
    database: values.database.trim(),
    sslmode: values.sslmode,
    ...(values.password ? { password: values.password } : {}),
    ...(values.sslRootCert.trim() ? { sslRootCert: values.sslRootCert.trim() } : {}),
  };
}

/**
 * The nodes as registered (passwords and CAs are never shown, only whether one is set) and, for
 * an admin, their editor: host, port, user, password, database, sslmode and CA of the primary and
 * every standby, standbys added and removed. A password must be given again when a node's host,
 * port or user changes, as the API demands.
 */
export function SettingsNodesCard({ initial, canEdit }: { initial: ClusterSummary; canEdit: boolean }) {
  const t = useTranslations("cluster.settings.nodes");
  const { data: cluster } = useCluster(initial.id, initial);

  return (
    <EditableSettingsCard
      id="nodes-title"
      title={t("title")}
      description={t("description")}
      canEdit={canEdit}
      labels={{ edit: t("edit"), saved: t("saved") }}
      form={(onDone) => <NodesForm cluster={cluster} onDone={onDone} />}
    >
      <NodesTable nodes={[cluster.primary, ...cluster.standbys]} />
    </EditableSettingsCard>
  );
}

function NodesForm({ cluster, onDone }: { cluster: ClusterSummary; onDone: (changed: boolean) => void }) {
  const t = useTranslations("cluster.settings.nodes");
  const router = useRouter();
  const update = useUpdateCluster(cluster.id);
  const form = useForm<NodesValues>({
    defaultValues: {
      primary: nodeValues(cluster.primary),
      standbys: cluster.standbys.map((standby) => ({ ...nodeValues(standby), name: standby.name })),
    },
  });
  const standbys = useFieldArray({ control: form.control, name: "standbys" });
  const server = useServerErrors(update, form.setError, "path");

  const onSubmit = form.handleSubmit((values) => {
    // The stored password goes only to the server it was given for: a changed endpoint needs it again.
    const stored = new Map(cluster.standbys.map((node) => [node.name, node]));
    const checks: { field: `primary` | `standbys.${number}`; node: NodeValues; was?: NodeSummary }[] = [
      { field: "primary", node: values.primary, was: cluster.primary },
      ...values.standbys.map((node, i) => ({
        field: `standbys.${i}` as const,
        node,
        was: stored.get(node.name.trim()),
      })),
    ];
    let refused = false;
    for (const { field, node, was } of checks) {
      if (was?.hasPassword && !node.password && endpoint(node) !== endpoint(was)) {
        form.setError(`${field}.password`, { type: "validate", message: t("passwordAgain") });
        refused = true;
      }
    }
    if (refused) return;
    const body: ClusterUpdateInput = {
      primary: nodeBody(values.primary),
      standbys: values.standbys.map((node) => ({ name: node.name.trim(), ...nodeBody(node) })),
    };
    update.mutate(body, {
      onSuccess: () => {
        onDone(true);
        router.refresh();
      },
      onError: server.onError,
    });
  });

  const addStandby = () =>
    standbys.append({
      name: "",
      host: "",
      port: 5432,
      user: form.getValues("primary.user"),
      password: "",
      database: form.getValues("primary.database"),
      sslmode: "prefer",
      sslRootCert: "",
    });

  return (
    <form aria-label={t("formLabel")} noValidate onSubmit={onSubmit} className="space-y-4">
      <NodeFieldset form={form} prefix="primary" legend={t("primary")} stored={cluster.primary} />
      {standbys.fields.map((field, index) => (
        <NodeFieldset
          key={field.id}
          form={form}
          prefix={`standbys.${index}`}
          legend={t("standbyLegend", { number: index + 1 })}
          stored={cluster.standbys.find((node) => node.name === field.name)}
          onRemove={() => standbys.remove(index)}
        />
      ))}
      <div>
        <Button size="sm" onClick={addStandby}>
          {t("addStandby")}
        </Button>
      </div>
      <FormErrors root={form.formState.errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("save")} busy={update.isPending} onCancel={() => onDone(false)} />
    </form>
  );
}

function NodeFieldset({
  form,
  prefix,
  legend,
  stored,
  onRemove,
}: {
  form: UseFormReturn<NodesValues>;
  prefix: "primary" | `standbys.${number}`;
  legend: string;
  stored?: NodeSummary;
  onRemove?: () => void;
}) {
  const t = useTranslations("cluster.settings.nodes");
  const sslmode = useWatch({ control: form.control, name: `${prefix}.sslmode` });
  const isStandby = prefix !== "primary";

  return (
    <fieldset className="rounded-md border border-zinc-200 p-4">
      <legend className="px-1 text-sm font-semibold text-zinc-900">{legend}</legend>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-6">
        {isStandby ? (
          <FormField
            form={form}
            name={`${prefix as `standbys.${number}`}.name`}
            label={t("name")}
            className="sm:col-span-2"
          >
            {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
          </FormField>
        ) : null}
        <FormField
          form={form}
          name={`${prefix}.host`}
          label={t("host")}
          className={isStandby ? "sm:col-span-3" : "sm:col-span-5"}
        >
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField
          form={form}
          name={`${prefix}.port`}
          options={{ valueAsNumber: true }}
          label={t("port")}
          className="sm:col-span-1"
        >
          {(control) => <Input type="number" inputMode="numeric" min={1} max={65535} {...control} />}
        </FormField>
        <FormField form={form} name={`${prefix}.user`} label={t("user")} className="sm:col-span-2">
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField
          form={form}
          name={`${prefix}.password`}
          label={t("password")}
          hint={stored?.hasPassword ? t("passwordSet") : t("passwordNotSet")}
          className="sm:col-span-2"
        >
          {(control) => <Input type="password" autoComplete="new-password" {...control} />}
        </FormField>
        <FormField form={form} name={`${prefix}.database`} label={t("database")} className="sm:col-span-2">
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField
          form={form}
          name={`${prefix}.sslmode`}
          label={t("sslmode")}
          hint={t("sslmodeHint")}
          className="sm:col-span-2"
        >
          {(control) => <Select choices={SSL_MODES} {...control} />}
        </FormField>
        {verifies(sslmode) || stored?.hasSslRootCert ? (
          <FormField
            form={form}
            name={`${prefix}.sslRootCert`}
            label={t("caCert")}
            hint={stored?.hasSslRootCert ? t("caSet") : t("caNotSet")}
            className="sm:col-span-6"
          >
            {(control) => (
              <Textarea
                rows={3}
                spellCheck={false}
                placeholder="-----BEGIN CERTIFICATE-----"
                className="text-xs"
                {...control}
              />
            )}
          </FormField>
        ) : null}
      </div>
      {onRemove ? (
        <div className="mt-3 flex justify-end">
          <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50" onClick={onRemove}>
            {t("remove")} <span className="sr-only">{legend}</span>
          </Button>
        </div>
      ) : null}
    </fieldset>
  );
}
