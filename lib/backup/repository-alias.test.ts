import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkRepositoriesDistinct, repositoriesAlias } from "@/lib/backup/repository-alias";

describe("repositoriesAlias", () => {
  it("refuses the same folder, a folder inside and a folder containing the primary", () => {
    expect(repositoriesAlias("/srv/repo", "/srv/repo")).toMatch(/is the primary repository itself/);
    expect(repositoriesAlias("/srv/repo", "/srv/repo/")).toMatch(/itself/);
    expect(repositoriesAlias("/srv/repo", "/srv/repo/copies")).toMatch(/inside the primary/);
    expect(repositoriesAlias("/srv/repo/a", "/srv")).toMatch(/contains the primary/);
    expect(repositoriesAlias("/", "/mnt/copy")).toMatch(/inside the primary/);
  });

  it("accepts siblings, including names that share a prefix", () => {
    expect(repositoriesAlias("/srv/repo", "/srv/repo2")).toBeNull();
    expect(repositoriesAlias("/srv/repo", "/srv/copy")).toBeNull();
    expect(repositoriesAlias("/srv/repo2", "/srv/repo")).toBeNull();
  });
});

describe("checkRepositoriesDistinct", () => {
  it("sees through symbolic links and paths that do not exist yet", async () => {
    const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "walden-alias-")));
    try {
      await fs.mkdir(path.join(base, "primary"));
      await fs.mkdir(path.join(base, "other"));
      await fs.symlink(path.join(base, "primary"), path.join(base, "link"));
      await expect(
        checkRepositoriesDistinct(path.join(base, "primary"), path.join(base, "link")),
      ).rejects.toThrow(/itself/);
      await expect(
        checkRepositoriesDistinct(path.join(base, "primary"), path.join(base, "link", "not", "yet")),
      ).rejects.toThrow(/inside the primary/);
      await expect(
        checkRepositoriesDistinct(path.join(base, "primary"), path.join(base, "other", "new")),
      ).resolves.toBeUndefined();
    } finally {
      await fs.rm(base, { recursive: true, force: true });
    }
  });
});
