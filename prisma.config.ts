import "dotenv/config";
import { defineConfig } from "prisma/config";

// The URL is only needed by CLI commands that talk to a database; `prisma generate`
// (postinstall) runs without one, so no env() here (it throws when unset).
export default defineConfig({
  schema: "prisma/schema.prisma",
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
