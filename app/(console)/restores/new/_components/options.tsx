"use client";

import { useId } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
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

/** One radio as a box: the name is the title alone, the hint its description. */
export function RadioOption<Name extends string>({
  value,
  title,
  hint,
  registration,
}: {
  value: string;
  title: string;
  hint?: string;
  registration: UseFormRegisterReturn<Name>;
}) {
  const hintId = useId();
  return (
    <label className="flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 ring-1 ring-zinc-200 ring-inset has-checked:bg-emerald-50 has-checked:ring-emerald-300">
      <input
        type="radio"
        value={value}
        aria-label={title}
        aria-describedby={hint ? hintId : undefined}
        className="mt-0.5 accent-emerald-700"
        {...registration}
      />
      <span className="text-sm">
        <span className="font-medium text-zinc-900">{title}</span>
        {hint ? (
          <span id={hintId} className="block text-xs text-zinc-600">
            {hint}
          </span>
        ) : null}
      </span>
    </label>
  );
}
