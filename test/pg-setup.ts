import { inject } from "vitest";

// Runs in each test process before the tests: point lib/env at the test catalog.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.WALDEN_HOME = inject("waldenHome");
process.env.WALDEN_SECRET ??= "test-secret-".padEnd(48, "x");
process.env.WALDEN_RESTORE_PORTS ??= "27200-27299";
