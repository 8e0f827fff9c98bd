import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { formatUtcSeconds } from "@/components/ui/format";
import type { ReplicationEvent } from "@/lib/schemas/replication";

const kindTone: Record<ReplicationEvent["kind"], BadgeTone> = {
  state_change: "info",
  role_change: "accent",
  timeline_change: "accent",
  node_unreachable: "danger",
  node_reachable: "success",
};

/** Replication events, newest first, as the API returns them. */
export function EventsList({ events, limit = 50 }: { events: ReplicationEvent[]; limit?: number }) {
  const t = useTranslations("cluster.replication.events");
  if (events.length === 0) {
    return <EmptyState title={t("empty")} />;
  }
  return (
    <ol aria-label={t("label")} className="divide-y divide-zinc-100 text-sm">
      {events.slice(0, limit).map((event) => (
        <li key={event.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-4 py-2">
          <time dateTime={event.at} className="w-40 shrink-0 text-xs text-zinc-500 tabular-nums">
            {formatUtcSeconds(event.at)}
          </time>
          <Badge tone={kindTone[event.kind]}>{t(event.kind)}</Badge>
          <span className="font-medium text-zinc-800">{event.node}</span>
          {/* At least 12rem, or it wraps to a line of its own (a phone); a long token breaks anywhere. */}
          <span className="min-w-48 flex-1 text-zinc-700 [overflow-wrap:anywhere]">{event.message}</span>
        </li>
      ))}
    </ol>
  );
}
