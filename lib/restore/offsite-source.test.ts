import { describe, expect, it } from "vitest";
import { walNeeded } from "@/lib/offsite/restore-download";

// Which offsite WAL a restore fetches: only its plan's segments, and every timeline history file.

describe("walNeeded", () => {
  const names = [
    "00000001000000000000000A",
    "00000001000000000000000B",
    "00000001000000000000000C",
    "00000001000000000000000D",
    "00000002.history",
    "00000002000000000000000D",
    "00000002000000000000000E",
    "00000002000000000000000F",
    "00000001000000000000000B.00000028.backup",
    "00000003.history",
  ];

  it("takes the segments from the backup's start to the plan's last one, on one timeline", () => {
    expect(walNeeded(names, "00000001000000000000000B", "00000001000000000000000C")).toEqual([
      "00000001000000000000000B",
      "00000001000000000000000C",
      "00000002.history",
      "00000003.history",
    ]);
  });

  it("follows a timeline switch between the two, and skips backup history and later segments", () => {
    expect(walNeeded(names, "00000001000000000000000C", "00000002000000000000000E")).toEqual([
      "00000001000000000000000C",
      "00000001000000000000000D",
      "00000002.history",
      "00000002000000000000000D",
      "00000002000000000000000E",
      "00000003.history",
    ]);
  });
});
