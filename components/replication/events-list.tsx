import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { formatUtcSeconds } from "@/components/ui/format";
import type { ReplicationEvent } from "@/lib/schemas/replication";

const kindLook: Record<ReplicationEvent["kind"], { label: string; tone: BadgeTone }> = {
  state_change: { label: "state", tone: "info" },
  role_change: { label: "role", tone: "accent" },
  timeline_change: { label: "timeline", tone: "accent" },
  node_unreachable: { label: "unreachable", tone: "danger" },
  node_reachable: { label: "reachable", tone: "success" },
};

/** Replication events, newest first, as the API returns them. */
export function EventsList({ events, limit = 50 }: { events: ReplicationEvent[]; limit?: number }) {
  if (events.length === 0) {
    return <EmptyState title="No replication events in the last 24 hours" />;
  }
  return (
    <ol aria-label="Replication events" className="divide-y divide-zinc-100 text-sm">
      {events.slice(0, limit).map((event) => (
        <li key={event.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-4 py-2">
          <time dateTime={event.at} className="w-40 shrink-0 text-xs text-zinc-500 tabular-nums">
            {formatUtcSeconds(event.at)}
          </time>
          <Badge tone={kindLook[event.kind].tone}>{kindLook[event.kind].label}</Badge>
          <span className="font-medium text-zinc-800">{event.node}</span>
          {/* At least 12rem, or it wraps to a line of its own (a phone); a long token breaks anywhere. */}
          <span className="min-w-48 flex-1 text-zinc-700 [overflow-wrap:anywhere]">{event.message}</span>
        </li>
      ))}
    </ol>
  );
}
