import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { standbyStates, type StandbyState } from "@/lib/schemas/replication";

interface StateLook {
  label: string;
  tone: BadgeTone;
  /** Border colour for diagrams (Tailwind needs the full class names written out). */
  border: string;
  /** The thick left edge of a standby's card. */
  edge: string;
  description: string;
}

export const standbyStateLook: Record<StandbyState, StateLook> = {
  streaming: {
    label: "streaming",
    tone: "success",
    border: "border-green-400",
    edge: "border-l-green-500",
    description: "Receiving and replaying WAL as the primary writes it",
  },
  catching_up: {
    label: "catching up",
    tone: "info",
    border: "border-sky-400",
    edge: "border-l-sky-500",
    description: "Connected and replaying, but still behind by more than it should be",
  },
  paused: {
    label: "paused",
    tone: "warning",
    border: "border-amber-400",
    edge: "border-l-amber-500",
    description: "Replay was paused on purpose (pg_wal_replay_pause); WAL keeps arriving but is not applied",
  },
  stalled: {
    label: "stalled",
    tone: "orange",
    border: "border-orange-400",
    edge: "border-l-orange-500",
    description: "Connected, but replay has not advanced although the primary has moved on",
  },
  disconnected: {
    label: "disconnected",
    tone: "danger",
    border: "border-red-400",
    edge: "border-l-red-500",
    description: "Not streaming from its upstream, or not reachable at all",
  },
};

export function isStandbyState(value: string): value is StandbyState {
  return (standbyStates as readonly string[]).includes(value);
}

/** A standby state as a coloured badge; an unexpected value is shown as it is, uncoloured. */
export function StandbyStateBadge({ state }: { state: StandbyState | (string & {}) }) {
  const t = useTranslations("cluster.replication.states");
  if (!isStandbyState(state)) return <Badge tone="neutral">{state}</Badge>;
  const look = standbyStateLook[state];
  return (
    <span title={t(`${state}Description`)}>
      <Badge tone={look.tone}>{t(state)}</Badge>
    </span>
  );
}

/** "170002" → "17.2", "130015" → "13.15". */
export function formatServerVersion(versionNum: number | null): string | null {
  if (versionNum === null) return null;
  return `${Math.floor(versionNum / 10_000)}.${versionNum % 10_000}`;
}
