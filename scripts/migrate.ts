// npm run db:migrate — apply pending catalog migrations to DATABASE_URL.
import "dotenv/config";
import { migrateCatalog } from "@/lib/db/migrate";
import { env } from "@/lib/env";

const applied = await migrateCatalog(env().DATABASE_URL, (line) => console.log(line));
console.log(applied.length ? `applied: ${applied.join(", ")}` : "catalog is up to date");
