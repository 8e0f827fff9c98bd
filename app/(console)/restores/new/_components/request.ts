import {
  instantToZonedWallTime,
  toUtcIso,
  zonedWallTimeToInstant,
  type ZonedInstant,
} from "@/components/restores/zoned-time";
import {
  isoTimeWithOffsetSchema,
  pitrRestoreRequestSchema,
  type PitrRequestBody,
  type RecoveryAction,
} from "@/lib/schemas/restore";

export type { PitrRequestBody };

// The PITR form's values and the request they make. Pure, so the preview, the review and the
// submit all send the same body.

export type TargetType = "time" | "xid" | "lsn" | "name" | "immediate" | "latest";

export interface PitrFormValues {
  clusterId: string;
  targetType: TargetType;
  /** datetime-local value: the wall time in `timeZone`. */
  timeLocal: string;
  /** Empty: the browser's zone. */
  timeZone: string;
  xid: string;
  lsn: string;
  name: string;
  inclusive: boolean;
  action: RecoveryAction;
  /** Empty: the planner picks the newest backup that reaches the target. */
  backupId: string;
  /** Empty: the timeline the planner checked; else "latest", "current" or a number. */
  timeline: string;
  database: string;
  checkSql: string;
  ttlHours: number;
  /** Empty: local when whole, else the offsite copy; else the copy asked for. */
  source: "" | "local" | "offsite";
  /** The age identity that opens an encrypted offsite copy; sent with this request only. */
  identity: string;
}

export type PitrField = keyof PitrFormValues;

export interface FieldProblem {
  field: PitrField | "root";
  message: string;
}

/** From the address: ?clusterId=…&target=xid&value=…&inclusive=false ("restore to just before" links). */
export interface PitrPrefill {
  clusterId?: string;
  target?: { type: TargetType; value?: string; inclusive?: boolean };
}

/** The form's first values: the prefilled cluster and target of a "restore to just before" link, or the defaults. */
export function pitrFormDefaults(clusters: readonly { id: string }[], prefill: PitrPrefill): PitrFormValues {
  const values: PitrFormValues = {
    clusterId: clusters.find((cluster) => cluster.id === prefill.clusterId)?.id ?? clusters[0]?.id ?? "",
    targetType: "time",
    timeLocal: "",
    timeZone: "",
    xid: "",
    lsn: "",
    name: "",
    inclusive: true,
    action: "promote",
    backupId: "",
    timeline: "",
    database: "",
    checkSql: "",
    ttlHours: 24,
    source: "",
    identity: "",
  };
  const target = prefill.target;
  if (!target) return values;
  values.targetType = target.type;
  values.inclusive = target.inclusive ?? target.type !== "xid";
  const value = target.value?.trim() ?? "";
  if (target.type === "time") {
    // A prefilled instant is shown in UTC, so it reads the same however the browser is set.
    const parsed = isoTimeWithOffsetSchema.safeParse(value);
    if (parsed.success) {
      values.timeZone = "UTC";
      values.timeLocal = instantToZonedWallTime(Date.parse(parsed.data), "UTC");
    }
  } else if (target.type === "xid" || target.type === "lsn" || target.type === "name") {
    values[target.type] = value;
  }
  return values;
}

/** The instant the form's time target names, or null when the wall time is incomplete. */
export function targetInstant(
  values: Pick<PitrFormValues, "timeLocal">,
  timeZone: string,
): ZonedInstant | null {
  return values.timeLocal ? zonedWallTimeToInstant(values.timeLocal, timeZone) : null;
}

/** The form's own messages about the target (translated by the form; English by default). */
export interface PitrMessages {
  pickTime: string;
  fullTime: string;
}

const englishMessages: PitrMessages = {
  pickTime: "Pick a date and time",
  fullTime: "Enter a full date and time, to the second",
};

function target(
  values: PitrFormValues,
  timeZone: string,
  messages: PitrMessages,
): PitrRequestBody["target"] | FieldProblem {
  switch (values.targetType) {
    case "time": {
      if (!values.timeLocal) return { field: "timeLocal", message: messages.pickTime };
      const instant = targetInstant(values, timeZone);
      if (!instant) return { field: "timeLocal", message: messages.fullTime };
      return { type: "time", value: toUtcIso(instant.ms), inclusive: values.inclusive };
    }
    case "xid":
      return { type: "xid", value: values.xid.trim(), inclusive: values.inclusive };
    case "lsn":
      return { type: "lsn", value: values.lsn.trim(), inclusive: values.inclusive };
    case "name":
      return { type: "name", value: values.name.trim() };
    case "immediate":
    case "latest":
      return { type: values.targetType };
  }
}

function timeline(value: string): PitrRequestBody["timeline"] {
  if (value === "latest" || value === "current") return value;
  return value ? Number(value) : undefined;
}

/** Which control a request path belongs to ("target.value" is the target type's own input). */
export function fieldForPath(path: string, targetType: TargetType): PitrField | "root" {
  const [head, sub] = path.split(".");
  if (head === "target") {
    if (sub === "inclusive") return "inclusive";
    if (sub === "type") return "targetType";
    if (targetType === "time") return "timeLocal";
    if (targetType === "xid" || targetType === "lsn" || targetType === "name") return targetType;
    return "targetType";
  }
  const known: readonly PitrField[] = [
    "clusterId",
    "action",
    "backupId",
    "timeline",
    "database",
    "checkSql",
    "ttlHours",
    "source",
    "identity",
  ];
  return known.includes(head as PitrField) ? (head as PitrField) : "root";
}

/**
 * The request the form's values make, checked with the API's own schema; or the problems to
 * show under the fields. `full` adds what only the restore needs (database, check SQL, TTL);
 * the preview leaves them out so typing there does not ask the worker again.
 */
export function buildPitrRequest(
  values: PitrFormValues,
  timeZone: string,
  full: boolean,
  messages: PitrMessages = englishMessages,
): { ok: true; body: PitrRequestBody } | { ok: false; problems: FieldProblem[] } {
  const goal = target(values, timeZone, messages);
  if ("field" in goal) return { ok: false, problems: [goal] };
  const body: PitrRequestBody = {
    clusterId: values.clusterId,
    kind: "pitr",
    target: goal,
    action: values.action,
    ...(values.backupId ? { backupId: values.backupId } : {}),
    ...(timeline(values.timeline) !== undefined ? { timeline: timeline(values.timeline) } : {}),
    ...(values.source ? { source: values.source } : {}),
    // The preview needs it too: an encrypted offsite copy is planned by reading its WAL.
    ...(values.identity.trim() && values.source !== "local" ? { identity: values.identity.trim() } : {}),
  };
  if (full) {
    if (values.database.trim()) body.database = values.database.trim();
    if (values.checkSql.trim()) body.checkSql = values.checkSql.trim();
    body.ttlHours = values.ttlHours;
  }
  const parsed = pitrRestoreRequestSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.map(String).join(".");
        const field = fieldForPath(path, values.targetType);
        return { field, message: field === "root" && path ? `${path}: ${issue.message}` : issue.message };
      }),
    };
  }
  return { ok: true, body };
}
