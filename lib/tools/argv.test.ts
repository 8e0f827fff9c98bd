import { describe, expect, it } from "vitest";
import { logicalBackupRequestSchema } from "@/lib/schemas/backup";
import { basebackupArgs, dumpCompressionArg, pgDumpArgs, UnsupportedOptionError } from "@/lib/tools/argv";

const connection = { host: "db1", port: 5432, user: "walden" };

describe("basebackupArgs", () => {
  it("takes a tar backup with streamed WAL, a SHA-256 manifest and server-side lz4 on 15+", () => {
    const args = basebackupArgs({
      connection,
      targetDir: "/repo/x",
      request: { compression: "lz4", checkpoint: "fast" },
      label: "walden b1",
      serverVersionNum: 150004,
    });
    expect(args).toEqual([
      "--host=db1",
      "--port=5432",
      "--username=walden",
      "--no-password",
      "--pgdata=/repo/x",
      "--format=tar",
      "--wal-method=stream",
      "--manifest-checksums=SHA256",
      "--checkpoint=fast",
      "--label=walden b1",
      "--progress",
      "--verbose",
      "--compress=server-lz4",
    ]);
  });

  it("compresses in the client for servers older than 15, and not at all for none", () => {
    const base = { connection, targetDir: "/r", label: "l" };
    expect(
      basebackupArgs({
        ...base,
        request: { compression: "zstd", checkpoint: "spread" },
        serverVersionNum: 140010,
      }),
    ).toContain("--compress=client-zstd");
    expect(
      basebackupArgs({
        ...base,
        request: { compression: "none", checkpoint: "spread" },
        serverVersionNum: 160000,
      }).join(" "),
    ).not.toContain("--compress");
  });
});

describe("pgDumpArgs", () => {
  it("passes each pattern as one --option=value argument", () => {
    const request = logicalBackupRequestSchema.parse({
      clusterId: "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e",
      kind: "logical",
      format: "directory",
      jobs: 4,
      tables: ["sales.orders", "audit_*"],
      excludeSchemas: ["tmp"],
      noOwner: true,
    });
    expect(
      pgDumpArgs({ connection, database: "app", target: "/repo/dump", request, pgDumpVersionNum: 160002 }),
    ).toEqual([
      "--host=db1",
      "--port=5432",
      "--username=walden",
      "--no-password",
      "--dbname=app",
      "--format=directory",
      "--file=/repo/dump",
      "--verbose",
      "--jobs=4",
      "--table=sales.orders",
      "--table=audit_*",
      "--exclude-schema=tmp",
      "--no-owner",
      "--compress=gzip",
    ]);
  });
});

describe("dumpCompressionArg", () => {
  it("uses methods from pg_dump 16 and gzip levels before", () => {
    expect(dumpCompressionArg("zstd", 160000)).toBe("--compress=zstd");
    expect(dumpCompressionArg("gzip", 150004)).toBe("--compress=6");
    expect(dumpCompressionArg("none", 150004)).toBe("--compress=0");
    expect(() => dumpCompressionArg("lz4", 150004)).toThrow(UnsupportedOptionError);
  });
});

describe("parseToolVersion", () => {
  it("reads majors and minors", async () => {
    const { parseToolVersion } = await import("@/lib/tools/binaries");
    expect(parseToolVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)")).toBe(150018);
    expect(parseToolVersion("pg_basebackup (PostgreSQL) 17.2")).toBe(170002);
    expect(() => parseToolVersion("nope")).toThrow();
  });
});
