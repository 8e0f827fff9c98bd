import { describe, expect, it } from "vitest";
import { parsePayload, queueNames } from "@/lib/jobs/queues";

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
});
