import { describe, expect, it } from "vitest";
import { walBefore } from "./retention";

// Which offsite WAL objects no kept backup needs: segments, partial segments and backup-history
// files before the oldest kept start, on its timeline or an older one; never history files,
// never later timelines, never anything that is not WAL.

const prefix = "prod/wal";
const object = (name: string) => ({ key: `${prefix}/${name}`, sizeBytes: 16, modifiedAt: null });
const names = (objects: { key: string }[]) => objects.map((entry) => entry.key.slice(prefix.length + 1));

describe("offsite WAL before the oldest kept backup", () => {
  it("takes what is before the start on this timeline or an older one, nothing else", () => {
    const all = [
      "000000010000000000000001",
      "000000010000000000000002.partial",
      "000000010000000000000003.00000028.backup",
      "00000002.history",
      "000000020000000000000004",
      "000000020000000000000005",
      "000000030000000000000004",
      "000000020000000100000000",
      "notes.txt",
    ].map(object);
    expect(names(walBefore(all, prefix, "000000020000000000000005"))).toEqual([
      "000000010000000000000001",
      "000000010000000000000002.partial",
      "000000010000000000000003.00000028.backup",
      "000000020000000000000004",
    ]);
  });

  it("compares whole positions across log ids, whatever the segment size", () => {
    const all = ["0000000100000000000000FF", "000000010000000100000000", "000000010000000100000001"].map(
      object,
    );
    expect(names(walBefore(all, prefix, "000000010000000100000001"))).toEqual([
      "0000000100000000000000FF",
      "000000010000000100000000",
    ]);
  });
});
