import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets } from "@/lib/auth/redact";

describe("redactSecrets", () => {
  it("removes secrets at any depth and keeps the rest", () => {
    const input = {
      name: "prod",
      primary: { host: "db1", password: "hunter2", port: 5432 },
      standbys: [{ name: "s1", password: "x" }],
      token: "wld_abc",
      headers: { Authorization: "Bearer x" },
      newPassword: "y",
      identity: "AGE-SECRET-KEY-1QQQ",
      systemIdentifier: "7300000000000000001",
    };
    const output = redactSecrets(input) as typeof input;
    expect(output.name).toBe("prod");
    expect(output.primary).toEqual({ host: "db1", password: REDACTED, port: 5432 });
    expect(output.standbys[0]).toEqual({ name: "s1", password: REDACTED });
    expect(output.token).toBe(REDACTED);
    expect(output.headers.Authorization).toBe(REDACTED);
    expect(output.newPassword).toBe(REDACTED);
    expect(output.identity).toBe(REDACTED);
    expect(output.systemIdentifier).toBe("7300000000000000001");
    expect(JSON.stringify(output)).not.toMatch(/hunter2|wld_abc|Bearer|AGE-SECRET-KEY/);
  });

  it("leaves scalars alone", () => {
    expect(redactSecrets("password")).toBe("password");
    expect(redactSecrets(null)).toBe(null);
  });
});
