"use client";

import { useRouter } from "next/navigation";

/** The fleet or one cluster: changing it opens that report. */
export function ClusterSelect({
  month,
  clusters,
  value,
  labels,
}: {
  month: string;
  clusters: { id: string; name: string }[];
  value: string | null;
  /** The page's words for the select, in its language. */
  labels: { scope: string; fleet: string };
}) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-sm text-zinc-700 print:hidden">
      <span>{labels.scope}</span>
      <select
        className="h-8.5 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900"
        value={value ?? ""}
        onChange={(event) => {
          const id = event.target.value;
          router.push(`/reports/${month}${id ? `?clusterId=${encodeURIComponent(id)}` : ""}`);
        }}
      >
        <option value="">{labels.fleet}</option>
        {clusters.map((cluster) => (
          <option key={cluster.id} value={cluster.id}>
            {cluster.name}
          </option>
        ))}
      </select>
    </label>
  );
}
