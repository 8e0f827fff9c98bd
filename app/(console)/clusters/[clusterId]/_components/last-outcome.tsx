"use client";

import { useFinding } from "@/components/i18n/use-finding";

/** A schedule's stored last outcome ("skipped: the previous run (…) was still running") in the reader's language. */
export function LastOutcome({ text }: { text: string | null }) {
  const say = useFinding("schedule");
  return text ? <span className="ml-2 text-zinc-600">{say(text)}</span> : null;
}
