import pg from "pg";
import { inject } from "vitest";

// Runs in each test process before the tests: point lib/env at the test catalog.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.WALDEN_HOME = inject("waldenHome");
process.env.WALDEN_SECRET ??= "test-secret-".padEnd(48, "x");
process.env.WALDEN_RESTORE_PORTS ??= "27200-27299";

// Each test file starts with no active cluster: clusters an earlier file (or a crashed run)
// left registered would hold the sandbox's archive folder, which two clusters cannot share,
// and would be sampled by this file's workers. Retired, not deleted, as Walden itself does.
const catalog = new pg.Client({ connectionString: process.env.DATABASE_URL });
await catalog.connect();
try {
  await catalog.query("update clusters set retired_at = now() where retired_at is null");
} finally {
  await catalog.end();
}
