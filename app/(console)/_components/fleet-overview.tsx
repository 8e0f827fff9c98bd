"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import { queryKeys } from "@/lib/client/query-keys";
import type { ClusterListItem } from "@/lib/schemas/cluster";
import { FleetClusterCard } from "./fleet-cluster-card";
import { useSafetyReasonText } from "./use-safety-reason";

// The overview's answer to "are we safe?": a summary line for the fleet, then one card per
// cluster, filtered by name and state and sorted at risk first (or by name, backup age, lag).

type StateFilter = "all" | ClusterListItem["safety"]["state"];
type SortKey = "risk" | "name" | "backup-age" | "lag";

const sorts: Record<SortKey, (a: ClusterListItem, b: ClusterListItem) => number> = {
  risk: (a, b) =>
    Number(b.safety.state === "at_risk") - Number(a.safety.state === "at_risk") ||
    b.safety.reasons.length - a.safety.reasons.length ||
    a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
  // No backup at all is the oldest.
  "backup-age": (a, b) =>
    (b.lastBackup?.ageSeconds ?? Infinity) - (a.lastBackup?.ageSeconds ?? Infinity) ||
    a.name.localeCompare(b.name),
  lag: (a, b) =>
    (b.replicationLag?.bytes ?? -1) - (a.replicationLag?.bytes ?? -1) || a.name.localeCompare(b.name),
};

/** The counts behind "3 clusters · 2 safe · 1 at risk", the line a person reads first. */
export function fleetCounts(clusters: readonly ClusterListItem[]) {
  const atRisk = clusters.filter((cluster) => cluster.safety.state === "at_risk").length;
  return { total: clusters.length, safe: clusters.length - atRisk, atRisk };
}

export function FleetOverview({ initialClusters }: { initialClusters: ClusterListItem[] }) {
  const t = useTranslations("overview");
  const reasonText = useSafetyReasonText();
  const { data: clusters = initialClusters } = useQuery({
    queryKey: queryKeys.clusters.list,
    queryFn: ({ signal }) => apiFetch<ClusterListItem[]>("/api/v1/clusters", { signal }),
    initialData: initialClusters,
    initialDataUpdatedAt: Date.now,
    ...livePolling(5_000),
    staleTime: 0,
  });
  const [name, setName] = useState("");
  const [state, setState] = useState<StateFilter>("all");
  const [sort, setSort] = useState<SortKey>("risk");
  const shown = useMemo(() => {
    const needle = name.trim().toLowerCase();
    return clusters
      .filter(
        (cluster) =>
          (state === "all" || cluster.safety.state === state) && cluster.name.toLowerCase().includes(needle),
      )
      .sort(sorts[sort]);
  }, [clusters, name, state, sort]);
  const atRisk = clusters.filter((cluster) => cluster.safety.state === "at_risk");

  return (
    <div className="space-y-4 p-4">
      <div role="status" aria-label={t("summary.label")} className="text-sm">
        <p className="font-medium text-zinc-900">{t("summary.line", fleetCounts(clusters))}</p>
        {atRisk.length ? (
          <ul className="mt-1 space-y-0.5 text-red-800">
            {atRisk.map((cluster) => (
              <li key={cluster.id}>
                <span className="font-medium">{cluster.name}</span>:{" "}
                {cluster.safety.reasonCodes.map(reasonText).join("; ")}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <Field label={t("filters.name")} className="w-full sm:w-64">
          {(control) => (
            <Input
              type="search"
              value={name}
              onChange={(event) => setName(event.target.value)}
              {...control}
            />
          )}
        </Field>
        <Field label={t("filters.state")} className="flex-1 sm:flex-none">
          {(control) => (
            <Select
              value={state}
              onChange={(event) => setState(event.target.value as StateFilter)}
              choices={[
                ["all", t("filters.all")],
                ["at_risk", t("filters.atRisk")],
                ["safe", t("filters.safe")],
              ]}
              {...control}
            />
          )}
        </Field>
        <Field label={t("filters.sort")} className="flex-1 sm:flex-none">
          {(control) => (
            <Select
              value={sort}
              onChange={(event) => setSort(event.target.value as SortKey)}
              choices={[
                ["risk", t("filters.sortRisk")],
                ["name", t("filters.sortName")],
                ["backup-age", t("filters.sortBackupAge")],
                ["lag", t("filters.sortLag")],
              ]}
              {...control}
            />
          )}
        </Field>
      </div>
      {shown.length ? (
        <ul aria-label={t("filters.list")} className="space-y-3">
          {shown.map((cluster) => (
            <FleetClusterCard key={cluster.id} cluster={cluster} />
          ))}
        </ul>
      ) : (
        <p className="text-sm text-zinc-500">{t("filters.noMatch")}</p>
      )}
    </div>
  );
}
