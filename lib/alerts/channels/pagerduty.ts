import { z } from "zod";
import { workerSetting } from "@/lib/env";

// PagerDuty's Events API v2 endpoint. Configurable so a test (or a proxy in a closed network)
// can stand in for it; the default is PagerDuty's own.
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

const eventsUrlSchema = z.url({
  protocol: /^https?$/,
  error: "WALDEN_PAGERDUTY_EVENTS_URL must be an http(s) URL",
});

export function pagerDutyEventsUrl(): string {
  const configured = workerSetting("WALDEN_PAGERDUTY_EVENTS_URL");
  return configured ? eventsUrlSchema.parse(configured) : PAGERDUTY_EVENTS_URL;
}
