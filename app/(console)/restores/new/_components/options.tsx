import type { RecoveryAction } from "@/lib/schemas/restore";
import type { TargetType } from "./request";

// The choices the PITR form offers, worded for the person at the keyboard.

export const TARGET_TYPES: readonly { value: TargetType; title: string; hint: string }[] = [
  { value: "time", title: "A point in time", hint: "The data as it was at a moment, to the second." },
  {
    value: "xid",
    title: "Just before a transaction (xid)",
    hint: "Stops before (or, inclusive, after) one transaction commits: the bad DELETE or DROP.",
  },
  { value: "lsn", title: "An LSN", hint: "A WAL position, like 0/3000060." },
  {
    value: "name",
    title: "A named restore point",
    hint: "One made with select pg_create_restore_point('before-upgrade').",
  },
  {
    value: "immediate",
    title: "As soon as consistent",
    hint: "The end of the backup itself: the quickest restore, no WAL replayed beyond it.",
  },
  { value: "latest", title: "Latest", hint: "Everything archived: up to the last archived commit." },
];

export const ACTIONS: readonly { value: RecoveryAction; title: string; hint: string }[] = [
  {
    value: "pause",
    title: "Pause",
    hint: "Stays read-only at the target so you can look before deciding; a table dropped after the target stays locked until resume or promote.",
  },
  {
    value: "promote",
    title: "Promote",
    hint: "Becomes a normal writable server on a new timeline.",
  },
  {
    value: "shutdown",
    title: "Shut down",
    hint: "Stops at the target; the data directory is kept, but there is nothing to connect to.",
  },
];
