import { describe, expect, it } from "vitest";
import { backupRequestSchema } from "@/lib/schemas/backup";

const clusterId = "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e";
const paths = (input: unknown) => {
  const result = backupRequestSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
};

describe("backupRequestSchema", () => {
  it("fills physical defaults: lz4, fast checkpoint", () => {
    expect(backupRequestSchema.parse({ clusterId, kind: "physical" })).toEqual({
      clusterId,
      kind: "physical",
      compression: "lz4",
      checkpoint: "fast",
    });
  });

  it("accepts a logical backup of some tables", () => {
    const parsed = backupRequestSchema.parse({
      clusterId,
      kind: "logical",
      database: "app",
      tables: ["orders", "sales.order_*"],
    });
    expect(parsed).toMatchObject({ format: "custom", jobs: 1, tables: ["orders", "sales.order_*"] });
  });

  it.each([
    ["a shell command in a table", { tables: ["orders; touch /tmp/x"] }, "tables.0"],
    ["command substitution", { tables: ["$(id)"] }, "tables.0"],
    ["an option as a table", { tables: ["--file=/etc/passwd"] }, "tables.0"],
    ["a conninfo string as database", { database: "host=x" }, "database"],
    ["a quoted identifier", { excludeTables: ['"Orders"'] }, "excludeTables.0"],
    ["the plain format", { format: "plain" }, "format"],
    ["parallel jobs with the custom format", { jobs: 4 }, "jobs"],
    ["data-only and schema-only together", { dataOnly: true, schemaOnly: true }, "dataOnly"],
    ["an unknown option", { extraArgs: ["-f", "/etc/passwd"] }, ""],
  ])("refuses %s", (_label, override, path) => {
    expect(paths({ clusterId, kind: "logical", ...override })).toContain(path);
  });

  it("refuses unknown kinds, compressions and labels with shell characters", () => {
    expect(paths({ clusterId, kind: "snapshot" })).toContain("kind");
    expect(paths({ clusterId, kind: "physical", compression: "bzip2" })).toContain("compression");
    expect(paths({ clusterId, kind: "physical", label: "nightly`id`" })).toContain("label");
  });
});
