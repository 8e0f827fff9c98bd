import { describe, expect, it } from "vitest";
import { cronReading } from "./cron-reading";

describe("cronReading", () => {
  it("reads a schedule in English and in natural Korean order", () => {
    expect(cronReading("0 2 * * *", "UTC", "en")).toBe("At 02:00 (UTC)");
    expect(cronReading("0 2 * * *", "Asia/Seoul", "ko")).toBe("매일 02:00 (Asia/Seoul)");
    expect(cronReading("0 4 * * 0", "UTC", "ko")).toBe("일요일에만 04:00 (UTC)");
    expect(cronReading("*/15 * * * *", "UTC", "ko")).toBe("15분마다 (UTC)");
  });

  it("keeps an expression it cannot read as it is", () => {
    expect(cronReading("not a cron", "UTC", "ko")).toBe("not a cron (UTC)");
  });
});
