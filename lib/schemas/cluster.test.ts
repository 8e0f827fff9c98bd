import { describe, expect, it } from "vitest";
import { clusterCreateSchema, clusterUpdateSchema } from "@/lib/schemas/cluster";

const valid = {
  name: "prod-eu",
  primary: { host: "db1.example.com", port: 5432, user: "walden", password: "p@ss word:\\", database: "app" },
  standbys: [
    { name: "replica-1", host: "10.0.0.2", port: 5433, user: "walden", password: "x", database: "app" },
  ],
  archive: { mode: "archive_command", path: "/var/lib/walden/archive/prod-eu" },
};

function errorPaths(input: unknown): string[] {
  const result = clusterCreateSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
}

describe("clusterCreateSchema", () => {
  it("accepts a well-formed cluster and defaults archive mode", () => {
    expect(clusterCreateSchema.parse(valid).name).toBe("prod-eu");
    const minimal = clusterCreateSchema.parse({ name: "a", primary: { ...valid.primary } });
    expect(minimal.archive).toEqual({ mode: "archive_command" });
    expect(minimal.standbys).toEqual([]);
  });

  it("accepts IPv6 and bare hostnames", () => {
    expect(errorPaths({ ...valid, primary: { ...valid.primary, host: "::1" } })).toEqual([]);
    expect(errorPaths({ ...valid, primary: { ...valid.primary, host: "localhost" } })).toEqual([]);
  });

  it.each([
    ["port as a shell string", { port: "5432; rm -rf /" }, "primary.port"],
    ["port as a numeric string", { port: "5432" }, "primary.port"],
    ["port out of range", { port: 70000 }, "primary.port"],
    ["port zero", { port: 0 }, "primary.port"],
    ["fractional port", { port: 5432.5 }, "primary.port"],
    ["conninfo in database", { database: "host=evil" }, "primary.database"],
    ["space in user", { user: "walden password=x" }, "primary.user"],
    ["conninfo in host", { host: "db1 sslmode=disable" }, "primary.host"],
    ["URL as host", { host: "postgresql://db1" }, "primary.host"],
    ["empty host", { host: "" }, "primary.host"],
    ["newline in password", { password: "a\nb" }, "primary.password"],
  ])("rejects %s", (_label, override, path) => {
    expect(errorPaths({ ...valid, primary: { ...valid.primary, ...override } })).toContain(path);
  });

  it.each([["Prod"], ["-x"], ["x-"], ["a_b"], ["a b"], ["a".repeat(64)]])(
    "rejects cluster name %j",
    (name) => {
      expect(errorPaths({ ...valid, name })).toContain("name");
    },
  );

  it("rejects unknown keys (no smuggled conninfo)", () => {
    expect(errorPaths({ ...valid, primary: { ...valid.primary, conninfo: "host=x" } })).toContain("primary");
    expect(errorPaths({ ...valid, options: "-c x" })).toEqual([""]);
  });

  it("rejects duplicate or reserved standby names", () => {
    const standby = valid.standbys[0]!;
    expect(errorPaths({ ...valid, standbys: [standby, standby] })).toContain("standbys");
    expect(errorPaths({ ...valid, standbys: [{ ...standby, name: "primary" }] })).toContain("standbys");
  });

  it("rejects relative or traversing archive paths", () => {
    expect(errorPaths({ ...valid, archive: { mode: "archive_command", path: "archive" } })).toContain(
      "archive.path",
    );
    expect(errorPaths({ ...valid, archive: { mode: "archive_command", path: "/srv/../etc" } })).toContain(
      "archive.path",
    );
    expect(errorPaths({ ...valid, archive: { mode: "rsync" } })).toContain("archive.mode");
  });
});

describe("clusterUpdateSchema", () => {
  it("allows partial updates and still validates fields", () => {
    expect(clusterUpdateSchema.parse({ primary: { port: 5434 } })).toEqual({ primary: { port: 5434 } });
    expect(clusterUpdateSchema.safeParse({ primary: { database: "host=evil" } }).success).toBe(false);
  });
});
