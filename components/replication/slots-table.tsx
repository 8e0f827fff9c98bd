import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { formatUtcSeconds } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { formatUtc } from "@/components/ui/time";
import type { SlotStatus } from "@/lib/schemas/replication";

// pg_replication_slots.wal_status, in the words of the PostgreSQL documentation.
const walStatusLook: Record<
  string,
  { tone: BadgeTone; explanation: "extended" | "unreserved" | "lost" | null }
> = {
  reserved: { tone: "success", explanation: null },
  extended: { tone: "warning", explanation: "extended" },
  unreserved: { tone: "danger", explanation: "unreserved" },
  lost: { tone: "danger", explanation: "lost" },
};

/** "14:05 UTC" on the sample's day, "2026-11-27 14:05 UTC" later. */
function forecastTime(at: string, now: string): string {
  const full = formatUtc(at);
  return full.slice(0, 10) === formatUtc(now).slice(0, 10) ? full.slice(11) : full;
}

function Forecast({ slot, now }: { slot: SlotStatus; now: string }) {
  const t = useTranslations("cluster.replication.slots");
  if (slot.walStatus === "lost") return <span className="text-red-700">{t("alreadyLost")}</span>;
  if (slot.lossForecastAt) {
    return (
      <span className="text-amber-800" title={formatUtcSeconds(slot.lossForecastAt)}>
        {t("wouldLose", { at: forecastTime(slot.lossForecastAt, now) })}
      </span>
    );
  }
  if (slot.safeWalSize === null) {
    return <span className="text-zinc-500">{t("noLimit")}</span>;
  }
  return <span className="text-zinc-500">{t("noLoss")}</span>;
}

/** Replication slots on every node (`now` is the sample's time): a slot that is inactive or losing its WAL is what breaks standbys. */
export function SlotsTable({ slots, now }: { slots: SlotStatus[]; now: string }) {
  const t = useTranslations("cluster.replication.slots");
  const { formatBytes, formatBytesExact } = useFormat();
  if (slots.length === 0) {
    return <EmptyState title={t("emptyTitle")}>{t("emptyBody")}</EmptyState>;
  }
  return (
    <Table aria-label={t("table")}>
      <THead>
        <tr>
          <TH>{t("slot")}</TH>
          <TH>{t("node")}</TH>
          <TH>{t("type")}</TH>
          <TH>{t("active")}</TH>
          <TH>{t("walStatus")}</TH>
          <TH className="text-right">{t("retained")}</TH>
          <TH className="text-right">{t("safeWalSize")}</TH>
          <TH>{t("lossForecast")}</TH>
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
                  <span className="text-green-700">{t("isActive")}</span>
                ) : (
                  <Badge tone="warning">{t("inactive")}</Badge>
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
                    {t(look.explanation)}
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
                  <span className="text-zinc-500">{t("unlimited")}</span>
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
