import path from "node:path";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";

// Plain SQL migrations applied by node-pg-migrate: `prisma migrate` needs a native engine
// that cannot be downloaded here (README "Migrations"). node-pg-migrate takes an advisory
// lock, so several processes starting at once apply each file exactly once.
export const migrationsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../prisma/migrations",
);

export async function migrateCatalog(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    migrationsTable: "walden_migrations",
    direction: "up",
    checkOrder: true,
    singleTransaction: true,
    log,
  });
  return applied.map((migration) => migration.name);
}
