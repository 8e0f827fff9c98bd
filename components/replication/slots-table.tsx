import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { formatBytes, formatBytesExact, formatUtcSeconds } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { formatUtc } from "@/components/ui/time";
import type { SlotStatus } from "@/lib/schemas/replication";

// pg_replication_slots.wal_status, in the words of the PostgreSQL documentation.
const walStatusLook: Record<string, { tone: BadgeTone; explanation: string | null }> = {
  reserved: { tone: "success", explanation: null },
  extended: {
    tone: "warning",
    explanation: "Needs WAL beyond max_wal_size; kept only by the slot or wal_keep_size.",
  },
  unreserved: {
    tone: "danger",
    explanation: "Needed WAL will be removed at the next checkpoint: the slot is about to be lost.",
  },
  lost: {
    tone: "danger",
    explanation: "Needed WAL has been removed: this slot can no longer be used.",
  },
};

/** "14:05 UTC" on the sample's day, "2026-11-27 14:05 UTC" later. */
function forecastTime(at: string, now: string): string {
  const full = formatUtc(at);
  return full.slice(0, 10) === formatUtc(now).slice(0, 10) ? full.slice(11) : full;
}

function Forecast({ slot, now }: { slot: SlotStatus; now: string }) {
  if (slot.walStatus === "lost") return <span className="text-red-700">already lost WAL</span>;
  if (slot.lossForecastAt) {
    return (
      <span className="text-amber-800" title={formatUtcSeconds(slot.lossForecastAt)}>
        would lose WAL at ~{forecastTime(slot.lossForecastAt, now)} at the current WAL rate
      </span>
    );
  }
  if (slot.safeWalSize === null) {
    return <span className="text-zinc-500">no limit (max_slot_wal_keep_size = -1)</span>;
  }
  return <span className="text-zinc-500">no loss expected at the current WAL rate</span>;
}

/** Replication slots on every node (`now` is the sample's time): a slot that is inactive or losing its WAL is what breaks standbys. */
export function SlotsTable({ slots, now }: { slots: SlotStatus[]; now: string }) {
  if (slots.length === 0) {
    return (
      <EmptyState title="No replication slots">
        Standbys without a slot can fall behind further than wal_keep_size and need a new base backup.
      </EmptyState>
    );
  }
  return (
    <Table aria-label="Replication slots">
      <THead>
        <tr>
          <TH>Slot</TH>
          <TH>Node</TH>
          <TH>Type</TH>
          <TH>Active</TH>
          <TH>WAL status</TH>
          <TH className="text-right">Retained</TH>
          <TH className="text-right">Safe WAL size</TH>
          <TH>Loss forecast</TH>
        </tr>
      </THead>
      <TBody>
        {slots.map((slot) => {
          const look = slot.walStatus ? walStatusLook[slot.walStatus] : undefined;
          return (
            <TR key={`${slot.node}/${slot.name}`} className={cx(!slot.active && "bg-amber-50/60")}>
              <TD className="font-medium">
                <code className="text-[13px]">{slot.name}</code>
              </TD>
              <TD>{slot.node}</TD>
              <TD>{slot.slotType}</TD>
              <TD>
                {slot.active ? (
                  <span className="text-green-700">active</span>
                ) : (
                  <Badge tone="warning">inactive</Badge>
                )}
              </TD>
              <TD className="max-w-64">
                {slot.walStatus ? (
                  <Badge tone={look?.tone ?? "neutral"}>{slot.walStatus}</Badge>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
                {look?.explanation ? (
                  <p
                    className={cx(
                      "mt-0.5 text-xs leading-snug",
                      look.tone === "danger" ? "text-red-700" : "text-amber-800",
                    )}
                  >
                    {look.explanation}
                  </p>
                ) : null}
              </TD>
              <TD className="text-right tabular-nums">
                <span title={slot.retainedBytes === null ? undefined : formatBytesExact(slot.retainedBytes)}>
                  {formatBytes(slot.retainedBytes)}
                </span>
              </TD>
              <TD className="text-right tabular-nums">
                {slot.safeWalSize === null ? (
                  <span className="text-zinc-500">unlimited</span>
                ) : (
                  <span title={formatBytesExact(slot.safeWalSize)}>{formatBytes(slot.safeWalSize)}</span>
                )}
              </TD>
              <TD className="text-xs">
                <Forecast slot={slot} now={now} />
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
