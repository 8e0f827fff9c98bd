import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { passfileLine, withPassfile } from "@/lib/tools/passfile";

describe("passfileLine", () => {
  it("escapes ':' and '\\' so libpq reads the password back exactly", () => {
    expect(passfileLine({ host: "db1", port: 5432, user: "walden", password: "a:b\\c" })).toBe(
      "db1:5432:*:walden:a\\:b\\\\c",
    );
  });

  it("leaves the port a wildcard when asked, for a user that connects to several servers of a host", () => {
    expect(passfileLine({ host: "127.0.0.1", port: "*", user: "replicator", password: "p:w" })).toBe(
      "127.0.0.1:*:*:replicator:p\\:w",
    );
  });
});

describe("withPassfile", () => {
  it("writes a 0600 file for the duration of the work and removes it after", async () => {
    let seen = "";
    await withPassfile([{ host: "h", port: 1, user: "u", password: "secret" }], async (file) => {
      seen = file!;
      const stat = await fs.stat(file!);
      expect(stat.mode & 0o777).toBe(0o600);
      expect(await fs.readFile(file!, "utf8")).toBe("h:1:*:u:secret\n");
    });
    await expect(fs.stat(seen)).rejects.toThrow();
  });

  it("removes the file when the work fails", async () => {
    let seen = "";
    await expect(
      withPassfile([{ host: "h", port: 1, user: "u", password: "p" }], async (file) => {
        seen = file!;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await expect(fs.stat(seen)).rejects.toThrow();
  });
});
