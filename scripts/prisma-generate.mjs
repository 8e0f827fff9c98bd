// postinstall: generate the Prisma client without the native schema engine.
// `prisma generate` never runs the engine, but the CLI insists on finding one and
// would download it from a host these machines cannot reach; any existing file
// satisfies the check (see README "Migrations").
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
env.CHECKPOINT_DISABLE = "1";
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
