"use client";

import { useTranslations } from "next-intl";
import { useFormContext, type Path } from "react-hook-form";
import type { z } from "zod";
import { ConnectionErrorView, ConnectionReportView } from "@/components/clusters/connection-report-view";
import { hostPort } from "@/components/clusters/host-port";
import { useErrorMessage } from "@/components/forms/error-message";
import { FormField } from "@/components/forms/form-field";
import { Button, Spinner } from "@/components/ui/button";
import { Input, Select, Textarea } from "@/components/ui/input";
import { ApiError } from "@/lib/client/fetcher";
import { useTestConnection } from "@/lib/client/use-clusters";
import { SSL_MODES, type clusterCreateSchema, type ConnectionReport } from "@/lib/schemas/cluster";

export type ClusterFormValues = z.input<typeof clusterCreateSchema>;
type NodePrefix = "primary" | `standbys.${number}`;
const connectionKeys = ["host", "port", "user", "password", "database", "sslmode", "sslRootCert"] as const;

/**
 * The connection fields of one node, with its own "Test connection". Standby labels carry a
 * visually hidden "Standby N" so every control still has a unique accessible name.
 */
export function NodeFields({
  prefix,
  legend,
  onRemove,
  onReport,
  onDiscover,
  discovering,
  primarySystemIdentifier,
}: {
  prefix: NodePrefix;
  legend: string;
  onRemove?: () => void;
  /** A standby's "Find its standbys" (cascading ones), answered above the standbys. */
  onDiscover?: () => void;
  discovering?: boolean;
  onReport?: (report: ConnectionReport | null) => void;
  primarySystemIdentifier?: string | null;
}) {
  const t = useTranslations("clusters.node");
  const errorMessage = useErrorMessage();
  const form = useFormContext<ClusterFormValues>();
  const { trigger, getValues, watch } = form;
  const test = useTestConnection();
  const isStandby = prefix !== "primary";
  const path = (key: string) => `${prefix}.${key}` as Path<ClusterFormValues>;
  const sslmode = watch(path("sslmode"));
  const verifies = sslmode === "verify-ca" || sslmode === "verify-full";
  const label = (text: string) =>
    isStandby ? (
      <>
        <span className="sr-only">{legend} </span>
        {text}
      </>
    ) : (
      text
    );

  const runTest = async () => {
    test.reset();
    onReport?.(null);
    if (!(await trigger(connectionKeys.map(path)))) return;
    const node = getValues(prefix);
    if (!node) return;
    test.mutate(
      {
        host: node.host.trim(),
        port: node.port,
        user: node.user.trim(),
        password: node.password ? node.password : undefined,
        database: node.database.trim(),
        sslmode: node.sslmode,
        sslRootCert: node.sslRootCert ? node.sslRootCert : undefined,
      },
      { onSuccess: (report) => onReport?.(report) },
    );
  };
  const tested = test.variables ? hostPort(test.variables.host, test.variables.port) : null;

  return (
    // The primary sits alone in its own card, whose heading already says "Primary".
    <fieldset className={isStandby ? "rounded-md border border-zinc-200 p-4" : undefined}>
      <legend className={isStandby ? "px-1 text-sm font-semibold text-zinc-900" : "sr-only"}>{legend}</legend>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-6">
        {isStandby ? (
          <FormField form={form} name={path("name")} label={label(t("name"))} className="sm:col-span-2">
            {(control) => <Input autoComplete="off" {...control} />}
          </FormField>
        ) : null}
        <FormField
          form={form}
          name={path("host")}
          label={label(t("host"))}
          className={isStandby ? "sm:col-span-3" : "sm:col-span-4"}
        >
          {(control) => (
            <Input autoComplete="off" spellCheck={false} placeholder="db1.example.com" {...control} />
          )}
        </FormField>
        <FormField
          form={form}
          name={path("port")}
          options={{ valueAsNumber: true }}
          label={label(t("port"))}
          className="sm:col-span-1 sm:col-start-auto"
        >
          {(control) => <Input type="number" inputMode="numeric" min={1} max={65535} {...control} />}
        </FormField>
        <FormField form={form} name={path("user")} label={label(t("user"))} className="sm:col-span-2">
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField
          form={form}
          name={path("password")}
          label={label(t("password"))}
          hint={t("passwordHint")}
          className="sm:col-span-2"
        >
          {(control) => <Input type="password" autoComplete="new-password" {...control} />}
        </FormField>
        <FormField form={form} name={path("database")} label={label(t("database"))} className="sm:col-span-2">
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
        <FormField
          form={form}
          name={path("sslmode")}
          label={label(t("sslmode"))}
          hint={t("sslmodeHint")}
          className="sm:col-span-2"
        >
          {(control) => <Select choices={SSL_MODES} {...control} />}
        </FormField>
        {verifies ? (
          <FormField
            form={form}
            name={path("sslRootCert")}
            label={label(t("caCert"))}
            hint={t("caCertHint")}
            className="sm:col-span-6"
          >
            {(control) => (
              <Textarea
                rows={4}
                spellCheck={false}
                placeholder="-----BEGIN CERTIFICATE-----"
                className="font-mono text-xs"
                {...control}
              />
            )}
          </FormField>
        ) : null}
      </div>

      <div className="mt-3 flex items-center justify-between gap-2">
        <div className="flex flex-wrap gap-2">
          <Button size="sm" onClick={runTest} disabled={test.isPending}>
            {test.isPending ? <Spinner /> : null}
            {t("test")}
          </Button>
          {onDiscover ? (
            <Button size="sm" onClick={onDiscover} disabled={discovering}>
              {t("findItsStandbys")} <span className="sr-only">{legend}</span>
            </Button>
          ) : null}
        </div>
        {onRemove ? (
          <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50" onClick={onRemove}>
            {t("remove")} <span className="sr-only">{legend}</span>
          </Button>
        ) : null}
      </div>
      {test.isSuccess || test.isError ? (
        <div className="mt-3 space-y-1">
          {tested ? <p className="text-xs text-zinc-500">{t("resultFor", { address: tested })}</p> : null}
          {test.isSuccess ? (
            <ConnectionReportView
              report={test.data}
              expectedRole={isStandby ? "standby" : "primary"}
              standbyOf={isStandby ? primarySystemIdentifier : undefined}
            />
          ) : (
            <ConnectionErrorView
              code={test.error instanceof ApiError ? test.error.code : undefined}
              message={test.error ? errorMessage(test.error) : t("unknownError")}
            />
          )}
        </div>
      ) : null}
    </fieldset>
  );
}
