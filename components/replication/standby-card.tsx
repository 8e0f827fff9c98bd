import { useTranslations } from "next-intl";
import { standbyStateLook, StandbyStateBadge } from "@/components/replication/standby-state";
import { cx } from "@/components/ui/cx";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { formatUtcSeconds } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import type { StandbyStatus } from "@/lib/schemas/replication";

function Bytes({ value }: { value: number | null }) {
  const { formatBytes, formatBytesExact } = useFormat();
  return (
    <span className="tabular-nums" title={value === null ? undefined : formatBytesExact(value)}>
      {formatBytes(value)}
    </span>
  );
}

function Lsn({ value }: { value: string | null }) {
  return value ? <code className="text-[12px]">{value}</code> : <span className="text-zinc-400">—</span>;
}

/**
 * One standby as the sampler saw it. `now` is the sample's time, so "… ago" reads the same on
 * the server render and in the browser.
 */
export function StandbyCard({ standby, now }: { standby: StandbyStatus; now: string }) {
  const t = useTranslations("cluster.replication.standby");
  const { formatAgo, formatCount, formatSeconds } = useFormat();
  const look = standbyStateLook[standby.state];
  const lagStages = [
    ["sent", standby.lagBytes.sent, null],
    ["write", standby.lagBytes.write, standby.lagSeconds.write],
    ["flush", standby.lagBytes.flush, standby.lagSeconds.flush],
    ["replay", standby.lagBytes.replay, standby.lagSeconds.replay],
  ] as const;

  return (
    <section
      role="region"
      aria-label={t("region", { name: standby.name })}
      className={cx("rounded-lg border border-l-4 border-zinc-200 bg-white shadow-xs", look.edge)}
    >
      <header className="flex items-start justify-between gap-3 border-b border-zinc-100 px-4 py-3">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold text-zinc-900">{standby.name}</h3>
          <p className="mt-0.5 text-xs text-zinc-500">
            {t("from")} <span className="text-zinc-700">{standby.upstream ?? t("unknownUpstream")}</span> ·{" "}
            {t("stateChanged")}{" "}
            <span title={formatUtcSeconds(standby.stateSince)}>{formatAgo(standby.stateSince, now)}</span>
          </p>
        </div>
        <StandbyStateBadge state={standby.state} />
      </header>

      <div className="space-y-3 px-4 py-3 text-xs">
        {standby.reason ? <p className="text-zinc-700">{standby.reason}</p> : null}
        {!standby.reachable || standby.error ? (
          <p
            role="alert"
            className="rounded border border-red-200 bg-red-50 px-2 py-1 break-words text-red-800"
          >
            {standby.reachable ? "" : t("unreachable")}
            {standby.error ?? t("couldNotConnect")}
          </p>
        ) : null}

        <table className="w-full text-left tabular-nums">
          <caption className="sr-only">{t("lagCaption", { name: standby.name })}</caption>
          <thead>
            <tr className="text-zinc-500">
              <th scope="col" className="py-0.5 font-normal">
                {t("lag")}
              </th>
              {lagStages.map(([stage]) => (
                <th key={stage} scope="col" className="py-0.5 text-right font-normal">
                  {t(stage)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="text-zinc-800">
            <tr>
              <th scope="row" className="py-0.5 font-normal text-zinc-500">
                {t("bytes")}
              </th>
              {lagStages.map(([stage, bytes]) => (
                <td key={stage} className={cx("py-0.5 text-right", stage === "replay" && "font-semibold")}>
                  <Bytes value={bytes} />
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row" className="py-0.5 font-normal text-zinc-500">
                {t("time")}
              </th>
              {lagStages.map(([stage, , seconds]) => (
                <td key={stage} className={cx("py-0.5 text-right", stage === "replay" && "font-semibold")}>
                  {stage === "sent" ? <span className="text-zinc-300">·</span> : formatSeconds(seconds)}
                </td>
              ))}
            </tr>
          </tbody>
        </table>

        <DescriptionList termWidth="8.5rem" size="xs" className="text-zinc-800">
          <Description term={t("receiveLsn")}>
            <Lsn value={standby.receiveLsn} />
          </Description>
          <Description term={t("replayLsn")}>
            <Lsn value={standby.replayLsn} />
          </Description>
          <Description term={t("syncState")}>
            {standby.syncState ?? <span className="text-zinc-400">—</span>}
          </Description>
          <Description term={t("timeline")}>
            {standby.timeline ?? <span className="text-zinc-400">—</span>}
          </Description>
          <Description term={t("lastReplayedCommit")} hint={t("lastReplayedHint")}>
            {standby.lastReplayedCommitAt ? (
              <span title={formatUtcSeconds(standby.lastReplayedCommitAt)}>
                {t("lastCommitReplayed", { ago: formatAgo(standby.lastReplayedCommitAt, now) })}
              </span>
            ) : (
              <span className="text-zinc-400">{t("noneSinceStart")}</span>
            )}
          </Description>
          <Description term={t("recoveryConflicts")}>
            <span
              className={cx("tabular-nums", standby.conflicts ? "font-medium text-amber-700" : undefined)}
            >
              {formatCount(standby.conflicts)}
            </span>
          </Description>
        </DescriptionList>
      </div>
    </section>
  );
}
