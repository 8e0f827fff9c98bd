"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { BackupsTable } from "@/components/backups/backups-table";
import { Alert } from "@/components/ui/alert";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { Label } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import type { BackupSummary } from "@/lib/schemas/backup";
import { errorMessage } from "@/lib/client/fetcher";
import { isBackupActive, useBackups, type BackupFilters } from "@/lib/client/use-backups";

const kinds = ["physical", "logical"] as const;
const statuses = ["queued", "running", "succeeded", "failed", "expired"] as const;

function sameFilters(a: BackupFilters, b: BackupFilters): boolean {
  return a.clusterId === b.clusterId && a.kind === b.kind && a.status === b.status && a.limit === b.limit;
}

/** Mirrors the filters into the address without a server round trip (Next keeps its router in step). */
function writeFiltersToUrl(filters: BackupFilters): void {
  const query = new URLSearchParams();
  if (filters.clusterId) query.set("cluster", filters.clusterId);
  if (filters.kind) query.set("kind", filters.kind);
  if (filters.status) query.set("status", filters.status);
  const search = query.toString();
  window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
}

function FilterSelect({
  id,
  label,
  value,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <div className="flex items-center gap-2">
      <Label htmlFor={id}>{label}</Label>
      <Select id={id} value={value} onChange={(event) => onChange(event.target.value)} className="w-auto">
        {children}
      </Select>
    </div>
  );
}

/** The catalog across clusters with its filters; polls faster while a listed backup runs. */
export function BackupCatalog({
  clusters,
  initialFilters,
  initialBackups,
}: {
  clusters: { id: string; name: string }[];
  initialFilters: BackupFilters;
  initialBackups: BackupSummary[];
}) {
  const t = useTranslations("backups.catalog");
  const tb = useTranslations("backups");
  const [filters, setFilters] = useState(initialFilters);
  const query = useBackups(filters, sameFilters(filters, initialFilters) ? initialBackups : undefined);
  const backups = query.data;
  const clusterNames = Object.fromEntries(clusters.map((cluster) => [cluster.id, cluster.name]));
  const filtered = Boolean(filters.clusterId || filters.kind || filters.status);
  const active = backups?.some((backup) => isBackupActive(backup.status)) ?? false;

  const update = (change: Partial<BackupFilters>) => {
    const next = { ...filters, ...change };
    setFilters(next);
    writeFiltersToUrl(next);
  };

  return (
    <Card aria-labelledby="catalog-title">
      <CardHeader
        id="catalog-title"
        title={t("title")}
        description={
          backups
            ? t("shown", {
                count:
                  backups.length === filters.limit ? t("newest", { limit: filters.limit }) : backups.length,
                seconds: active ? 2 : 15,
              })
            : t("loading")
        }
      />
      <div
        role="group"
        aria-label={t("filters")}
        className="flex flex-wrap items-center gap-x-5 gap-y-2 border-b border-zinc-200 px-4 py-2.5"
      >
        <FilterSelect
          id="filter-cluster"
          label={t("cluster")}
          value={filters.clusterId ?? ""}
          onChange={(value) => update({ clusterId: value || undefined })}
        >
          <option value="">{t("allClusters")}</option>
          {clusters.map((cluster) => (
            <option key={cluster.id} value={cluster.id}>
              {cluster.name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect
          id="filter-kind"
          label={t("kind")}
          value={filters.kind ?? ""}
          onChange={(value) => update({ kind: (value || undefined) as BackupFilters["kind"] })}
        >
          <option value="">{t("allKinds")}</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {tb(`kinds.${kind}`)}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect
          id="filter-status"
          label={t("status")}
          value={filters.status ?? ""}
          onChange={(value) => update({ status: (value || undefined) as BackupFilters["status"] })}
        >
          <option value="">{t("anyStatus")}</option>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {tb(`status.${status}`)}
            </option>
          ))}
        </FilterSelect>
      </div>
      {query.isError ? (
        <div className="px-4 pt-3">
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {!backups ? (
        query.isError ? null : (
          <div aria-busy="true" className="h-24 animate-pulse bg-zinc-50" />
        )
      ) : backups.length === 0 ? (
        <EmptyState title={filtered ? t("noMatch") : t("empty")}>
          {filtered ? null : t("emptyHint")}
        </EmptyState>
      ) : (
        <BackupsTable backups={backups} clusterNames={clusterNames} />
      )}
    </Card>
  );
}
