import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { startupSettings } from "@/lib/env";

const sandboxJsonSchema = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.object({ clusters: z.array(z.object({ id: z.string() })) }));

/**
 * Whether the cluster is the one `npm run demo` registered for its sandbox ($WALDEN_HOME/
 * sandbox.json). Outside the demo there is no such file, and nothing is the sandbox's.
 */
export async function isDemoSandboxCluster(clusterId: string): Promise<boolean> {
  // A runtime folder, not part of the build: without the hint, next build traces the whole project.
  const home = path.resolve(
    /* turbopackIgnore: true */ startupSettings("WALDEN_HOME").WALDEN_HOME || ".walden",
  );
  const text = await fs.readFile(path.join(home, "sandbox.json"), "utf8").catch(() => null);
  const parsed = sandboxJsonSchema.safeParse(text);
  return parsed.success && parsed.data.clusters.some((cluster) => cluster.id === clusterId);
}
