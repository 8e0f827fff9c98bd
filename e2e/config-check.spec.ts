import fs from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { findPgBinaries } from "../lib/tools/binaries";
import { runAsServerUser, serverUser } from "../lib/tools/server-user";
import { signIn } from "./helpers";
import { e2eHome, e2ePgPort } from "./sandbox";

// The configuration check in the register form (issue 16) names a missing archive_mode with the
// exact statement that fixes it. A bare PostgreSQL started here with archive_mode=off (initdb +
// pg_ctl, as the server's OS user like the sandbox does), checked before anything is registered.

const port = e2ePgPort + 40;
const dataDir = path.join(e2eHome, "config-check-pg");

async function pg(program: "initdb" | "pg_ctl", args: string[]) {
  const result = await runAsServerUser({
    program: path.join(findPgBinaries().binDir, program),
    args,
    cwd: e2eHome,
    environment: "server",
    timeoutMs: 120_000,
  });
  if (result.code !== 0)
    throw new Error(`${program} ${args.join(" ")} failed: ${result.stderrTail.join("\n")}`);
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await pg("pg_ctl", ["stop", "-m", "immediate", "-D", dataDir]).catch(() => {});
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const user = serverUser();
  await fs.chown(dataDir, user.uid, user.gid);
  await pg("initdb", ["-D", dataDir, "-U", "walden", "--auth=trust", "--encoding=UTF8", "--locale=C"]);
  // Appended to initdb's file (it keeps the server user as owner): a server Walden cannot archive.
  await fs.appendFile(
    path.join(dataDir, "postgresql.conf"),
    [
      "",
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dataDir}'`,
      "archive_mode = off",
      "wal_level = replica",
      "",
    ].join("\n"),
  );
  await pg("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDir, "-l", path.join(dataDir, "server.log")]);
});

test.afterAll(async () => {
  await pg("pg_ctl", ["stop", "-w", "-m", "fast", "-D", dataDir]);
  await fs.rm(dataDir, { recursive: true, force: true });
});

test("the register form's configuration check names archive_mode off with the exact fix", async ({
  page,
}) => {
  await signIn(page, "admin");
  await page.goto("/clusters/new");
  const form = page.getByRole("form", { name: "Register cluster" });
  await form.getByLabel("Name", { exact: true }).fill(`e2e-config-${Date.now().toString(36)}`);
  await form.getByLabel("Host", { exact: true }).fill("127.0.0.1");
  await form.getByLabel("Port", { exact: true }).fill(String(port));
  await form.getByLabel("User", { exact: true }).fill("walden");
  await form.getByLabel("Password", { exact: true }).fill("unused-with-trust");
  await form.getByLabel("Database", { exact: true }).fill("postgres");

  await form.getByRole("button", { name: "Check configuration" }).click();
  const checks = form.getByRole("list", { name: "Configuration of the primary" });
  const archiveMode = checks.getByRole("listitem", { name: "archive_mode", exact: true });
  await expect(archiveMode).toBeVisible({ timeout: 30_000 });
  await expect(archiveMode).toContainText("off");
  await expect(archiveMode.getByLabel("Fix for archive_mode", { exact: true })).toHaveText(
    "ALTER SYSTEM SET archive_mode = 'on';\n" +
      "-- restart needed: archive_mode only changes when PostgreSQL restarts (e.g. pg_ctl restart, systemctl restart postgresql)",
  );
  // Nothing was registered by checking.
  await expect(page).toHaveURL(/\/clusters\/new$/);
});
