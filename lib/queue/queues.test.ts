import { describe, expect, it } from "vitest";
import {
  MAX_EXPIRE_SECONDS,
  parsePayload,
  queueNames,
  queueOptions,
  scheduleQueueOptions,
} from "@/lib/queue/queues";

describe("job payload schemas", () => {
  it("uses dotted queue names", () => {
    for (const name of queueNames) expect(name).toMatch(/^[a-z]+\.[a-z]+$/);
  });

  it("accepts ids and refuses anything else", () => {
    const backupId = "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e";
    expect(parsePayload("backup.run", { backupId })).toEqual({ backupId });
    expect(() => parsePayload("backup.run", { backupId: "../../etc" })).toThrow();
    expect(() => parsePayload("backup.run", { backupId, path: "/tmp" })).toThrow();
    expect(() => parsePayload("report.snapshot", { month: "2026-13" })).toThrow();
    expect(parsePayload("report.snapshot", { month: "2026-11" })).toEqual({ month: "2026-11" });
  });

  it("gives long work an expiry of hours and every queue settings pg-boss 10 accepts", () => {
    for (const name of ["backup.run", "backup.verify", "backup.copy", "restore.run"] as const)
      expect(queueOptions[name].expireInSeconds).toBeGreaterThanOrEqual(6 * 3600);
    for (const options of [...Object.values(queueOptions), scheduleQueueOptions]) {
      expect(options.expireInSeconds).toBeGreaterThanOrEqual(1);
      expect(options.expireInSeconds).toBeLessThanOrEqual(MAX_EXPIRE_SECONDS);
      expect(options.expireInSeconds / 3600).toBeLessThan(24);
      expect(Number.isInteger(options.retryLimit) && options.retryLimit >= 0).toBe(true);
      expect(Number.isInteger(options.retryDelay) && options.retryDelay >= 0).toBe(true);
    }
    expect(Object.keys(queueOptions).sort()).toEqual([...queueNames].sort());
  });
});
