import { describe, expect, it } from "vitest";
import { clientConfig, workClientConfig } from "@/lib/pg/connection";

const node = { host: "db.internal", port: 5432, user: "walden", password: "pw", database: "app" };

describe("session settings", () => {
  it("gives monitoring sessions the 2 s statement_timeout", () => {
    expect(clientConfig(node)).toMatchObject({ application_name: "walden", statement_timeout: 2000 });
  });

  it("gives work sessions no statement_timeout, through startup options a role's own settings cannot beat", () => {
    const config = workClientConfig(node, { lockTimeoutMs: 10_000 });
    // node-postgres drops a statement_timeout of 0, so it must not be the field that carries it.
    expect(config.statement_timeout).toBeUndefined();
    expect(config.options).toBe(
      "-c statement_timeout=0 -c idle_in_transaction_session_timeout=0 -c lock_timeout=10000",
    );
    expect(config).toMatchObject({
      application_name: "walden-restore",
      keepAlive: true,
      host: "db.internal",
    });
    expect(workClientConfig(node).options).toMatch(/lock_timeout=0$/);
  });
});
