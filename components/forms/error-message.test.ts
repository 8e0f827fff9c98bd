import { describe, expect, it } from "vitest";
import { ApiError, SESSION_ENDED_MESSAGE } from "@/lib/client/fetcher";
import { translateError } from "./error-message";

// A stand-in for next-intl's t over common.errors: the key and its values, to see which was chosen.
const t = ((key: string, values?: Record<string, string>) =>
  `[${key}${values ? ` ${JSON.stringify(values)}` : ""}]`) as unknown as Parameters<typeof translateError>[0];

describe("translateError", () => {
  it("keeps a 401 the API explained (a wrong password at sign-in)", () => {
    const error = new ApiError(401, "unauthorized", "Wrong email or password, or the account is disabled");
    expect(translateError(t, error)).toBe("Wrong email or password, or the account is disabled");
  });

  it("translates the browser's own words: a session that ended, no network, a bare status", () => {
    expect(translateError(t, new ApiError(401, "unauthorized", SESSION_ENDED_MESSAGE))).toBe(
      "[sessionEnded]",
    );
    expect(translateError(t, new ApiError(0, "network_error", "Could not reach"))).toBe("[network]");
    expect(translateError(t, new ApiError(502, "http_502", "The server answered 502 Bad Gateway"))).toBe(
      '[http {"status":"502","statusText":" Bad Gateway"}]',
    );
    expect(translateError(t, "not an error")).toBe("[generic]");
  });

  it("shows any other API message as the server sent it", () => {
    expect(translateError(t, new ApiError(422, "validation_failed", "cron: not a cron expression"))).toBe(
      "cron: not a cron expression",
    );
  });
});
