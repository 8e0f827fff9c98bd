// One JSON POST with a deadline and no redirects, as webhooks and PagerDuty receive them.

export const POST_TIMEOUT_MS = 10_000;

export interface AttemptResult {
  ok: boolean;
  responseStatus: number | null;
  error: string | null;
  /** False when trying again cannot help (a channel without SMTP settings). */
  retry?: boolean;
}

export async function postJson(url: string, body: unknown): Promise<AttemptResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Walden" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      redirect: "manual",
    });
    const text = await response.text().catch(() => "");
    if (response.ok) return { ok: true, responseStatus: response.status, error: null };
    return {
      ok: false,
      responseStatus: response.status,
      error: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}`,
    };
  } catch (error) {
    const name = (error as Error).name;
    const message =
      name === "TimeoutError" || name === "AbortError"
        ? `no answer within ${POST_TIMEOUT_MS / 1000} s`
        : `${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ""}`;
    return { ok: false, responseStatus: null, error: message };
  }
}
