"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormProvider, useFieldArray, useForm, useWatch, type Path } from "react-hook-form";
import { RegisterDiscovery } from "@/components/clusters/register-discovery";
import { useErrorMessage } from "@/components/forms/error-message";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Button, buttonClasses, Spinner, SubmitButton } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FieldError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { ApiError } from "@/lib/client/fetcher";
import { useRegisterCluster } from "@/lib/client/use-clusters";
import { useDiscoverCluster } from "@/lib/client/use-cluster-discovery";
import { clusterCreateSchema, type ClusterCreateInput } from "@/lib/schemas/cluster";
import type { DiscoveredStandby } from "@/lib/schemas/cluster-discovery";
import type { ConfigCheckRequest } from "@/lib/schemas/config-check";
import { NodeFields, type ClusterFormValues } from "./node-fields";
import { protectionFormDefaults, ProtectionFields } from "./protection-fields";
import { RegisterConfigCheck } from "./register-config-check";

const emptyNode = {
  host: "",
  port: 5432,
  user: "",
  password: "",
  database: "postgres",
  sslmode: "prefer" as const,
  sslRootCert: "",
};

/**
 * An empty password means "none": the server then connects without one (trust, peer or
 * .pgpass); an empty CA box means no CA.
 */
function withoutEmptyPassword<T extends { password?: string; sslRootCert?: string }>(node: T): T {
  return {
    ...node,
    password: node.password ? node.password : undefined,
    sslRootCert: node.sslRootCert ? node.sslRootCert : undefined,
  };
}

const primaryConnectionFields = [
  "primary.host",
  "primary.port",
  "primary.user",
  "primary.password",
  "primary.database",
  "primary.sslmode",
  "primary.sslRootCert",
] as const;

/** `wanted`, or `wanted-2`, `wanted-3`… when the form already has a standby of that name. */
function freeName(wanted: string, taken: string[]): string {
  let name = wanted;
  for (let n = 2; taken.includes(name) || name === "primary"; n++) name = `${wanted}-${n}`;
  return name;
}

export function ClusterForm() {
  const t = useTranslations("clusters.form");
  const common = useTranslations("common.actions");
  const errorMessage = useErrorMessage();
  const router = useRouter();
  const registerCluster = useRegisterCluster();
  const [primarySystemIdentifier, setPrimarySystemIdentifier] = useState<string | null>(null);
  const form = useForm<ClusterFormValues, unknown, ClusterCreateInput>({
    resolver: zodResolver(clusterCreateSchema),
    defaultValues: {
      name: "",
      primary: emptyNode,
      standbys: [],
      archive: { mode: "archive_command", path: undefined },
      defaults: protectionFormDefaults(),
    },
  });
  const {
    control,
    handleSubmit,
    setError,
    getValues,
    setValue,
    trigger,
    formState: { errors },
  } = form;
  // The fields are nested (primary.host, standbys.0.port): a problem goes under its full path.
  const server = useServerErrors(registerCluster, setError, "path");
  const standbys = useFieldArray({ control, name: "standbys" });

  const onSubmit = handleSubmit((values) => {
    const body: ClusterCreateInput = {
      ...values,
      primary: withoutEmptyPassword(values.primary),
      standbys: values.standbys.map(withoutEmptyPassword),
    };
    registerCluster.mutate(body, {
      onSuccess: (cluster) => router.push(`/clusters/${cluster.id}`),
      onError: server.onError,
    });
  });

  // Registering from one node: what a node typed in the form sees of its replication — the
  // primary's standbys, or (for a cascade) a standby's own. Added standbys take the settings of
  // the node they were found from.
  const discovery = useDiscoverCluster();
  // label: the standby's name, or null for the primary.
  const [discoveredFrom, setDiscoveredFrom] = useState<{
    label: string | null;
    node: ClusterFormValues["primary"];
  }>();
  const discoverFrom = (node: ClusterFormValues["primary"], label: string | null) => {
    setDiscoveredFrom({ label, node });
    discovery.mutate(withoutEmptyPassword({ ...node, host: node.host.trim() }));
  };
  const findStandbys = async () => {
    discovery.reset();
    if (await trigger([...primaryConnectionFields])) discoverFrom(getValues("primary"), null);
  };
  const findStandbysOf = async (index: number) => {
    discovery.reset();
    const prefix = `standbys.${index}` as const;
    const fields = primaryConnectionFields.map(
      (field) => field.replace("primary", prefix) as Path<ClusterFormValues>,
    );
    const standby = getValues(prefix);
    if (!standby || !(await trigger(fields))) return;
    // The request takes connection fields only (a strict schema): the node's name stays here.
    const { name, ...connection } = standby;
    discoverFrom(connection, name);
  };
  const standbyNames = (useWatch({ control, name: "standbys" }) ?? []).map((standby) => standby.name);
  const takenNames = () => (getValues("standbys") ?? []).map((standby) => standby.name);
  const addDiscovered = (found: DiscoveredStandby) => {
    const source = discoveredFrom?.node ?? getValues("primary");
    // PostgreSQL does not say which port a standby listens on: its upstream's is the usual guess.
    standbys.append({
      ...source,
      name: freeName(found.suggestedName, takenNames()),
      host: found.clientAddr ?? found.clientHostname ?? "",
    });
  };
  // The node typed as the primary is a standby: its upstream becomes the primary, it a standby.
  const switchToUpstream = (upstream: { host: string; port: number }) => {
    const typed = getValues("primary");
    const name = freeName(discovery.data?.suggestedName ?? "standby-1", takenNames());
    standbys.prepend({ ...typed, name });
    setValue("primary.host", upstream.host);
    setValue("primary.port", upstream.port);
    discoverFrom({ ...typed, host: upstream.host, port: upstream.port }, null);
  };

  const addStandby = () => {
    const primary = getValues("primary");
    standbys.append({
      ...emptyNode,
      name: `standby-${standbys.fields.length + 1}`,
      user: primary.user,
      database: primary.database,
    });
  };

  // The configuration check: the typed primary against the archive it will be registered with.
  const configCheckRequest = async (): Promise<ConfigCheckRequest | null> => {
    if (!(await trigger([...primaryConnectionFields, "archive.mode", "archive.path"]))) return null;
    const { name, primary, archive, standbys: typedStandbys } = getValues();
    const namedValid = name.trim() !== "" && (await trigger("name"));
    return {
      node: withoutEmptyPassword({ ...primary, host: primary.host.trim() }),
      name: namedValid ? name.trim() : undefined,
      archive,
      standbyCount: (typedStandbys ?? []).length,
    };
  };
  const standbysError = errors.standbys?.message ?? errors.standbys?.root?.message;
  const busy = registerCluster.isPending || registerCluster.isSuccess;

  return (
    <FormProvider {...form}>
      <form onSubmit={onSubmit} noValidate aria-label={t("label")} className="space-y-5">
        <Card>
          <CardHeader title={t("cluster")} />
          <CardBody>
            <FormField form={form} name="name" label={t("name")} hint={t("nameHint")} className="max-w-sm">
              {(control) => (
                <Input autoComplete="off" spellCheck={false} placeholder="prod-eu" {...control} />
              )}
            </FormField>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title={t("primary")} description={t("primaryDescription")} />
          <CardBody>
            <NodeFields
              prefix="primary"
              legend={t("primary")}
              onReport={(report) => setPrimarySystemIdentifier(report?.systemIdentifier ?? null)}
            />
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title={t("standbys")}
            description={t("standbysDescription")}
            actions={
              <div className="flex flex-wrap gap-2">
                <Button size="sm" onClick={findStandbys} disabled={discovery.isPending}>
                  {discovery.isPending ? <Spinner /> : null}
                  {t("findStandbys")}
                </Button>
                <Button size="sm" onClick={addStandby} disabled={standbys.fields.length >= 32}>
                  {t("addStandby")}
                </Button>
              </div>
            }
          />
          <CardBody className="space-y-4">
            <RegisterDiscovery
              source={discoveredFrom?.label ?? t("thePrimary")}
              report={discovery.data}
              error={
                discovery.error
                  ? {
                      code: discovery.error instanceof ApiError ? discovery.error.code : undefined,
                      message: errorMessage(discovery.error),
                    }
                  : null
              }
              addedNames={standbyNames}
              onAddStandby={addDiscovered}
              onUseUpstream={discoveredFrom && discoveredFrom.label === null ? switchToUpstream : undefined}
            />
            {standbysError ? <FieldError>{standbysError}</FieldError> : null}
            {standbys.fields.length === 0 ? (
              <p className="text-sm text-zinc-500">{t("noStandbys")}</p>
            ) : (
              standbys.fields.map((field, index) => (
                <NodeFields
                  key={field.id}
                  prefix={`standbys.${index}`}
                  legend={t("standbyN", { n: index + 1 })}
                  onRemove={() => standbys.remove(index)}
                  onDiscover={() => void findStandbysOf(index)}
                  discovering={discovery.isPending}
                  primarySystemIdentifier={primarySystemIdentifier}
                />
              ))
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title={t("archive")} description={t("archiveDescription")} />
          <CardBody className="grid grid-cols-1 gap-3 sm:grid-cols-6">
            <FormField
              form={form}
              name="archive.mode"
              label={t("archiveMode")}
              hint={t("archiveModeHint")}
              className="sm:col-span-2"
            >
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
            <FormField
              form={form}
              name="archive.path"
              options={{
                setValueAs: (value: unknown) =>
                  typeof value === "string" && value.trim() === "" ? undefined : value,
              }}
              label={t("archivePath")}
              hint={t("archivePathHint")}
              className="sm:col-span-4"
            >
              {(control) => (
                <Input spellCheck={false} placeholder="/var/lib/walden/archive/prod-eu" {...control} />
              )}
            </FormField>
            <RegisterConfigCheck request={configCheckRequest} />
          </CardBody>
        </Card>

        <ProtectionFields />

        {/* Shown even beside field problems: a nested form may not have the control an issue names. */}
        <FormErrors root={errors.root?.message} failure={registerCluster.error} title={t("notRegistered")} />
        <div className="flex items-center gap-2">
          <SubmitButton busy={busy}>{t("submit")}</SubmitButton>
          <Link href="/clusters" className={buttonClasses({ variant: "ghost" })}>
            {common("cancel")}
          </Link>
        </div>
      </form>
    </FormProvider>
  );
}
