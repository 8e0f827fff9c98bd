import { describe, expect, it } from "vitest";
import { buildPitrRequest, fieldForPath, pitrFormDefaults, type PitrFormValues } from "./request";

const CLUSTER = "5b0c5f3e-6d2a-4f7e-9a51-0c1f2e3d4a5b";
const BACKUP = "0d6f2a9c-1b3e-4c5d-8e7f-a1b2c3d4e5f6";

function values(overrides: Partial<PitrFormValues> = {}): PitrFormValues {
  return {
    clusterId: CLUSTER,
    targetType: "time",
    timeLocal: "2026-07-15T10:00:05",
    timeZone: "",
    xid: "",
    lsn: "",
    name: "",
    inclusive: true,
    action: "promote",
    backupId: "",
    timeline: "",
    database: "",
    checkSql: "",
    ttlHours: 24,
    source: "",
    identity: "",
    ...overrides,
  };
}

describe("buildPitrRequest", () => {
  it("sends a time target as UTC with Z, converted from the chosen zone", () => {
    const result = buildPitrRequest(values(), "Europe/Berlin", false);
    expect(result).toEqual({
      ok: true,
      body: {
        clusterId: CLUSTER,
        kind: "pitr",
        target: { type: "time", value: "2026-07-15T08:00:05Z", inclusive: true },
        action: "promote",
      },
    });
  });

  it("adds database, check SQL and TTL only for the restore itself", () => {
    const form = values({
      targetType: "xid",
      xid: " 1234 ",
      inclusive: false,
      action: "pause",
      backupId: BACKUP,
      timeline: "2",
      database: "shop",
      checkSql: "select count(*) from orders",
      ttlHours: 6,
    });
    const preview = buildPitrRequest(form, "UTC", false);
    expect(preview.ok && preview.body).toEqual({
      clusterId: CLUSTER,
      kind: "pitr",
      target: { type: "xid", value: "1234", inclusive: false },
      action: "pause",
      backupId: BACKUP,
      timeline: 2,
    });
    const full = buildPitrRequest(form, "UTC", true);
    expect(full.ok && full.body).toMatchObject({
      database: "shop",
      checkSql: "select count(*) from orders",
      ttlHours: 6,
    });
  });

  it("sends no value for immediate and latest, and the timeline words as they are", () => {
    expect(
      buildPitrRequest(values({ targetType: "latest", timeline: "latest" }), "UTC", false),
    ).toMatchObject({
      ok: true,
      body: { target: { type: "latest" }, timeline: "latest" },
    });
    expect(
      buildPitrRequest(values({ targetType: "immediate", timeline: "current" }), "UTC", false),
    ).toMatchObject({
      ok: true,
      body: { target: { type: "immediate" }, timeline: "current" },
    });
  });

  it("puts problems under the control that caused them", () => {
    expect(buildPitrRequest(values({ timeLocal: "" }), "UTC", false)).toEqual({
      ok: false,
      problems: [{ field: "timeLocal", message: "Pick a date and time" }],
    });
    const lsn = buildPitrRequest(values({ targetType: "lsn", lsn: "nope" }), "UTC", false);
    expect(lsn.ok).toBe(false);
    expect(!lsn.ok && lsn.problems[0]?.field).toBe("lsn");
    const sql = buildPitrRequest(values({ checkSql: "delete from orders" }), "UTC", true);
    expect(!sql.ok && sql.problems).toEqual([
      { field: "checkSql", message: "must start with SELECT, WITH, VALUES or TABLE" },
    ]);
    const ttl = buildPitrRequest(values({ ttlHours: 500 }), "UTC", true);
    expect(!ttl.ok && ttl.problems[0]?.field).toBe("ttlHours");
  });
});

describe("the copy to restore from", () => {
  const IDENTITY = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";

  it("sends the copy asked for and the identity, to the preview too (an encrypted copy is planned by reading it)", () => {
    const preview = buildPitrRequest(values({ source: "offsite", identity: ` ${IDENTITY} ` }), "UTC", false);
    expect(preview.ok && preview.body).toMatchObject({ source: "offsite", identity: IDENTITY });
  });

  it("leaves both out when automatic and no identity is typed, and the identity out for the local copy", () => {
    const automatic = buildPitrRequest(values(), "UTC", true);
    expect(automatic.ok && automatic.body).not.toHaveProperty("source");
    expect(automatic.ok && automatic.body).not.toHaveProperty("identity");
    const local = buildPitrRequest(values({ source: "local", identity: IDENTITY }), "UTC", true);
    expect(local.ok && local.body).toMatchObject({ source: "local" });
    expect(local.ok && local.body).not.toHaveProperty("identity");
  });

  it("puts the server's source and identity problems under their fields", () => {
    expect(fieldForPath("source", "time")).toBe("source");
    expect(fieldForPath("identity", "time")).toBe("identity");
  });
});

describe("fieldForPath", () => {
  it("maps the server's target.value to the input of the chosen target type", () => {
    expect(fieldForPath("target.value", "time")).toBe("timeLocal");
    expect(fieldForPath("target.value", "xid")).toBe("xid");
    expect(fieldForPath("target.value", "latest")).toBe("targetType");
    expect(fieldForPath("target.inclusive", "lsn")).toBe("inclusive");
    expect(fieldForPath("ttlHours", "time")).toBe("ttlHours");
    expect(fieldForPath("kind", "time")).toBe("root");
  });
});

describe("pitrFormDefaults", () => {
  const clusters = [{ id: "a" }, { id: "b" }];

  it("starts on the first cluster with a time target that promotes", () => {
    const values = pitrFormDefaults(clusters, {});
    expect(values).toMatchObject({ clusterId: "a", targetType: "time", action: "promote", ttlHours: 24 });
  });

  it("takes a 'restore to just before' link: the cluster, the xid, not inclusive", () => {
    const values = pitrFormDefaults(clusters, { clusterId: "b", target: { type: "xid", value: " 748213 " } });
    expect(values).toMatchObject({ clusterId: "b", targetType: "xid", xid: "748213", inclusive: false });
  });

  it("shows a prefilled instant in UTC, and ignores one without an offset", () => {
    const withOffset = pitrFormDefaults(clusters, {
      target: { type: "time", value: "2026-11-26T14:52:07+09:00" },
    });
    expect(withOffset).toMatchObject({ timeZone: "UTC", timeLocal: "2026-11-26T05:52:07" });
    const bare = pitrFormDefaults(clusters, { target: { type: "time", value: "2026-11-26T14:52:07" } });
    expect(bare.timeLocal).toBe("");
  });

  it("falls back to the first cluster when the linked one is unknown", () => {
    expect(pitrFormDefaults(clusters, { clusterId: "zzz" }).clusterId).toBe("a");
  });
});
