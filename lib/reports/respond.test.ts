import { describe, expect, it } from "vitest";
import { chromiumMissingMessage, CHROMIUM_MISSING } from "./respond";

describe("the report without Chromium", () => {
  it("says what is missing, where, and what to install", () => {
    const message = chromiumMissingMessage("/usr/bin/chromium");
    expect(message.startsWith(`${CHROMIUM_MISSING} at /usr/bin/chromium`)).toBe(true);
    expect(message).toContain("sudo apt-get install chromium");
    expect(message).toContain("WALDEN_CHROMIUM_PATH");
  });
});
