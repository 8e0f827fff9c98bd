import type { RecoveryAction } from "@/lib/schemas/restore";
import type { TargetType } from "./request";

// The choices the PITR form offers; their titles and hints, worded for the person at the
// keyboard, are the `restores.pitr.targetTypes.<value>` and `restores.pitr.actions.<value>` messages.

export const TARGET_TYPES: readonly TargetType[] = ["time", "xid", "lsn", "name", "immediate", "latest"];

export const ACTIONS: readonly RecoveryAction[] = ["pause", "promote", "shutdown"];
