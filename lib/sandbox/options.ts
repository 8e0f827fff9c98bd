import path from "node:path";
import { z } from "zod";
import { startupSettings } from "@/lib/env";
import { SandboxError } from "./errors";

export interface SandboxOptions {
  home: string;
  basePort: number;
  log?: (line: string) => void;
}

/** WALDEN_HOME (default ./.walden, made absolute) and WALDEN_PG_PORT (default 54320). */
export function sandboxOptionsFromEnv(
  env: NodeJS.Dict<string> = startupSettings("WALDEN_HOME", "WALDEN_PG_PORT"),
): SandboxOptions {
  const parsed = z.coerce
    .number()
    .int()
    .min(1024)
    .max(65500)
    .safeParse(env.WALDEN_PG_PORT || "54320");
  if (!parsed.success) {
    throw new SandboxError(
      `WALDEN_PG_PORT=${env.WALDEN_PG_PORT} is not a port between 1024 and 65500; the sandbox uses it and the next three.`,
    );
  }
  return { home: path.resolve(env.WALDEN_HOME || ".walden"), basePort: parsed.data };
}
