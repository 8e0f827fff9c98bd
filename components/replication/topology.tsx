import { useTranslations } from "next-intl";
import { standbyStateLook, StandbyStateBadge } from "@/components/replication/standby-state";
import { buildTopology, type TopologyNode } from "@/components/replication/topology-tree";
import { Badge } from "@/components/ui/badge";
import { cx } from "@/components/ui/cx";
import { useFormat } from "@/components/ui/use-format";
import type { ReplicationSnapshot } from "@/lib/schemas/replication";

// The tree is drawn left to right with CSS borders: each child draws its own elbow (::before)
// and its piece of the vertical spine (::after); the list draws the stub from its parent.
const branchList =
  "relative ml-8 flex flex-col before:absolute before:top-1/2 before:-left-8 before:w-8 before:border-t-2 before:border-zinc-300";
const branchItem = cx(
  "relative flex items-center py-1.5 pl-6",
  "before:absolute before:top-1/2 before:left-0 before:w-6 before:border-t-2",
  "after:absolute after:top-0 after:bottom-0 after:left-0 after:border-l-2 after:border-zinc-300",
  "first:after:top-1/2 last:after:bottom-1/2",
);

function PrimaryBox({ primary }: { primary: ReplicationSnapshot["primary"] }) {
  const t = useTranslations("cluster.replication.topology");
  return (
    <div
      aria-label={t("primaryBox", { name: primary.name })}
      className={cx(
        "w-56 shrink-0 rounded-md border-2 bg-white px-3 py-2 text-xs shadow-xs",
        primary.reachable ? "border-emerald-500" : "border-red-400",
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="truncate text-sm font-semibold text-zinc-900">{primary.name}</span>
        <Badge tone={primary.reachable ? "accent" : "danger"}>
          {primary.reachable ? t("primary") : t("unreachable")}
        </Badge>
      </div>
      <p className="mt-1 text-zinc-500">
        {t("rolePrimary")}
        {primary.timeline !== null ? t("timeline", { timeline: primary.timeline }) : ""}
      </p>
      <p className="mt-0.5 text-zinc-700">
        LSN <code>{primary.currentLsn ?? "—"}</code>
      </p>
    </div>
  );
}

function StandbyBox({ node, cascading }: { node: TopologyNode; cascading: boolean }) {
  const t = useTranslations("cluster.replication.topology");
  const { formatBytes, formatSeconds } = useFormat();
  const { standby } = node;
  return (
    <div
      aria-label={t("standbyBox", { name: standby.name })}
      className={cx(
        "w-56 shrink-0 rounded-md border-2 bg-white px-3 py-2 text-xs shadow-xs",
        standbyStateLook[standby.state].border,
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="truncate text-sm font-semibold text-zinc-900">{standby.name}</span>
        <StandbyStateBadge state={standby.state} />
      </div>
      <p className="mt-1 text-zinc-500">
        {cascading ? t("roleCascading") : t("roleStandby")}
        {cascading && standby.upstream ? t("of", { upstream: standby.upstream }) : ""}
      </p>
      <p className="mt-0.5 text-zinc-700 tabular-nums">
        {t("replayLag", {
          bytes: formatBytes(standby.lagBytes.replay),
          seconds: formatSeconds(standby.lagSeconds.replay),
        })}
      </p>
      {!standby.reachable ? (
        // After a failover the old primary is listed here, unreachable until it rejoins as a standby.
        <p className="mt-0.5 text-red-700">
          {t("unreachableBecause", { error: standby.error ?? t("notAnswering") })}
        </p>
      ) : null}
      {node.upstreamUnknown ? (
        <p className="mt-0.5 text-amber-700">
          {t("upstreamUnknown")}
          {standby.upstream ? t("reports", { upstream: standby.upstream }) : ""}
        </p>
      ) : null}
    </div>
  );
}

function Branch({ nodes, cascading }: { nodes: TopologyNode[]; cascading: boolean }) {
  return (
    <ul className={branchList}>
      {nodes.map((node) => (
        <li
          key={node.standby.name}
          className={cx(
            branchItem,
            node.upstreamUnknown ? "before:border-dashed before:border-zinc-400" : "before:border-zinc-300",
          )}
        >
          <StandbyBox node={node} cascading={cascading && !node.upstreamUnknown} />
          {node.children.length > 0 ? <Branch nodes={node.children} cascading /> : null}
        </li>
      ))}
    </ul>
  );
}

/** Primary → standbys → cascading standbys, each box coloured by the standby's state. */
export function Topology({ snapshot }: { snapshot: Pick<ReplicationSnapshot, "primary" | "standbys"> }) {
  const t = useTranslations("cluster.replication.topology");
  const roots = buildTopology(snapshot.primary.name, snapshot.standbys);
  return (
    <div role="group" aria-label={t("label")} className="overflow-x-auto py-1">
      <div className="flex w-max items-center">
        <PrimaryBox primary={snapshot.primary} />
        {roots.length > 0 ? (
          <Branch nodes={roots} cascading={false} />
        ) : (
          <p className="ml-6 text-sm text-zinc-500">{t("noStandbys")}</p>
        )}
      </div>
    </div>
  );
}
