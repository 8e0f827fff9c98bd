"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { StepStatusIcon } from "@/components/restores/restore-status";
import { formatUtcSeconds } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import type { RestoreStep } from "@/lib/schemas/restore-view";
import { secondsBetween } from "./describe";

const logClasses =
  "overflow-auto rounded-md bg-zinc-950 px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre-wrap text-zinc-100 focus-visible:outline-2 focus-visible:outline-emerald-600";

function StepItem({ step, now }: { step: RestoreStep; now: string | null }) {
  const t = useTranslations("restores.steps");
  const status = useTranslations("common.status");
  const { formatSeconds } = useFormat();
  // Opened at first for the step that runs or failed; after that the person decides.
  const [open, setOpen] = useState(step.status === "running" || step.status === "failed");
  const duration =
    step.status === "running"
      ? secondsBetween(step.startedAt, now)
      : secondsBetween(step.startedAt, step.finishedAt);
  return (
    <li data-step={step.name} data-status={step.status}>
      <details
        open={open}
        onToggle={(event) => setOpen(event.currentTarget.open)}
        className="group px-4 py-2"
      >
        <summary className="flex cursor-pointer list-none items-center gap-2 text-sm [&::-webkit-details-marker]:hidden">
          <span
            aria-hidden="true"
            className="inline-block w-3 text-xs text-zinc-400 transition-transform group-open:rotate-90"
          >
            ▸
          </span>
          <StepStatusIcon status={step.status} />
          <span className="font-medium text-zinc-900">{step.name}</span>
          <span className="text-xs text-zinc-500">{status(step.status)}</span>
          <span className="ml-auto text-xs whitespace-nowrap text-zinc-500 tabular-nums">
            {duration === null ? "" : formatSeconds(duration)}
            {step.startedAt ? (
              <span className="ml-2 hidden sm:inline" title={step.startedAt}>
                {formatUtcSeconds(step.startedAt, true)}
              </span>
            ) : null}
          </span>
        </summary>
        <div className="mt-2 ml-5">
          {step.log.length ? (
            <pre
              aria-label={t("logOf", { step: step.name })}
              tabIndex={0}
              className={`${logClasses} max-h-64`}
            >
              {step.log.join("\n")}
            </pre>
          ) : (
            <p className="text-xs text-zinc-500">
              {step.status === "pending" ? t("notStarted") : t("noOutput")}
            </p>
          )}
        </div>
      </details>
    </li>
  );
}

/** The restore's ordered steps: status, duration, and each step's log behind a disclosure. */
export function StepsList({ steps, now }: { steps: RestoreStep[]; now: string | null }) {
  const t = useTranslations("restores.steps");
  return (
    <ol aria-label={t("label")} className="divide-y divide-zinc-100">
      {steps.map((step) => (
        <StepItem key={step.name} step={step} now={now} />
      ))}
    </ol>
  );
}

const TAIL_LINES = 200;

/** Every step's log as one tail, each line tagged with its step; stays at the end unless scrolled up. */
export function LogTail({ steps }: { steps: RestoreStep[] }) {
  const t = useTranslations("restores.steps");
  const text = steps
    .flatMap((step) => step.log.map((line) => `[${step.name}] ${line}`))
    .slice(-TAIL_LINES)
    .join("\n");
  const ref = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useEffect(() => {
    const box = ref.current;
    if (box && following.current) box.scrollTop = box.scrollHeight;
  }, [text]);
  if (!text) return <p className="text-sm text-zinc-500">{t("noOutputYet")}</p>;
  return (
    <pre
      ref={ref}
      aria-label={t("restoreLog")}
      tabIndex={0}
      onScroll={(event) => {
        const box = event.currentTarget;
        following.current = box.scrollHeight - box.scrollTop - box.clientHeight < 24;
      }}
      className={`${logClasses} max-h-96`}
    >
      {text}
    </pre>
  );
}
