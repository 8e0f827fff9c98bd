import path from "node:path";
import { systemActor } from "@/lib/auth/system-actor";
import { setOffsiteRepository } from "@/lib/offsite/mutations";
import { getOffsiteSettings } from "@/lib/offsite/stored-settings";
import { startS3Server, type S3TestServer } from "./s3-server";

// The demo's offsite storage: a local S3 protocol server (s3rver, SigV4 checked) beside the
// sandbox, so a newcomer sees backups copied offsite, WAL shipped and the offsite lag at once.
// Its objects live in WALDEN_HOME/s3 and survive a restart, like the rest of the demo's data.

export const DEMO_S3_BUCKET = "walden-demo";
const DEMO_S3_PREFIX = "offsite";
/** Past the sandbox's four PostgreSQL ports (catalog, primary, two standbys), clear of them. */
export const demoS3Port = (sandboxBasePort: number) => sandboxBasePort + 10;

export function startDemoS3Server(home: string, port: number): Promise<S3TestServer> {
  return startS3Server({ port, directory: path.join(home, "s3"), buckets: [DEMO_S3_BUCKET] });
}

/**
 * Gives the demo cluster its offsite repository on the demo's S3 server, as an admin would;
 * a second run with the same storage changes nothing (no new audit event, no copies queued).
 */
export async function seedDemoOffsiteRepository(clusterId: string, server: S3TestServer): Promise<boolean> {
  const wanted = server.settings(DEMO_S3_BUCKET, DEMO_S3_PREFIX);
  const stored = await getOffsiteSettings(clusterId);
  const alreadySet =
    stored?.endpoint === wanted.endpoint &&
    stored.bucket === wanted.bucket &&
    stored.prefix === wanted.prefix &&
    stored.accessKeyId === wanted.accessKeyId &&
    stored.secretAccessKey === wanted.secretAccessKey;
  if (alreadySet) return false;
  await setOffsiteRepository(systemActor("demo seed"), clusterId, wanted, {});
  return true;
}
