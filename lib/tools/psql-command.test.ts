import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { psqlCommand } from "./psql-command";

/** What sh hands psql when it runs the line: the password it sees, then its arguments, one a line. */
function asShellRunsIt(line: string): string[] {
  const stub = `psql() { printf '%s\\n' "$PGPASSWORD" "$@"; }; ${line}`;
  const result = spawnSync("sh", ["-c", stub], { encoding: "utf8" });
  expect(result.status).toBe(0);
  return result.stdout.split("\n").slice(0, -1);
}

describe("psqlCommand", () => {
  it("reads as a restored instance's command when nothing needs quoting", () => {
    expect(psqlCommand({ host: "127.0.0.1", port: 27100, user: "walden", database: "app" })).toBe(
      "psql -h 127.0.0.1 -p 27100 -U walden -d app",
    );
  });

  it("puts the password in front, always single-quoted", () => {
    expect(
      psqlCommand({ host: "127.0.0.1", port: 25421, user: "walden", database: "app", password: "s3cret" }),
    ).toBe("PGPASSWORD='s3cret' psql -h 127.0.0.1 -p 25421 -U walden -d app");
  });

  it("quotes a role or database a shell would split or expand", () => {
    expect(psqlCommand({ host: "127.0.0.1", port: 5432, user: "o'brien", database: "my db" })).toBe(
      `psql -h 127.0.0.1 -p 5432 -U 'o'\\''brien' -d 'my db'`,
    );
  });

  it("hands psql exactly the password and words given, whatever they hold", () => {
    const password = `p'w "q" $HOME \`id\` \\ ;&| *`;
    const line = psqlCommand({ host: "/tmp/run dir", port: 6543, user: "$USER", database: "a;b", password });
    expect(asShellRunsIt(line)).toEqual([
      password,
      "-h",
      "/tmp/run dir",
      "-p",
      "6543",
      "-U",
      "$USER",
      "-d",
      "a;b",
    ]);
  });
});
