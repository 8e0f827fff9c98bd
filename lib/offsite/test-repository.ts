import { randomUUID } from "node:crypto";
import type {
  OffsiteRepositorySettings,
  RepositoryCheckName,
  RepositoryTestResult,
} from "@/lib/schemas/offsite";
import type { ClientOptions } from "./s3-client";
import { S3Repository } from "./s3-repository";
import { describeStorageError } from "./storage-errors";

// "Test" on the offsite repository form: can Walden write, read, list and delete there? A
// small probe object under <prefix>/.walden-test/ goes through all four, and each check says
// exactly what failed. Listing runs even when writing failed: a read-only key is then told
// apart from a wrong secret or a missing bucket.

const PROBE_FOLDER = ".walden-test";

/** Fewer tries than a copy: an admin is waiting for the answer. */
const TEST_CLIENT_OPTIONS: ClientOptions = {
  maxAttempts: 2,
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 20_000,
};

export async function testRepository(
  settings: OffsiteRepositorySettings,
  clientOptions: ClientOptions = TEST_CLIENT_OPTIONS,
): Promise<RepositoryTestResult> {
  const repository = new S3Repository(settings, clientOptions);
  const target = { endpoint: settings.endpoint, bucket: settings.bucket };
  const checks: RepositoryTestResult["checks"] = [];
  const check = async (name: RepositoryCheckName, run: () => Promise<string>) => {
    try {
      checks.push({ name, ok: true, message: await run() });
      return true;
    } catch (error) {
      checks.push({ name, ok: false, message: describeStorageError(error, target).message });
      return false;
    }
  };
  const skipped = (name: RepositoryCheckName, why: string) => checks.push({ name, ok: false, message: why });

  const probeKey = `${PROBE_FOLDER}/${randomUUID()}`;
  const probe = Buffer.from(`Walden repository test, ${new Date().toISOString()}\n`);
  try {
    const written = await check("write", async () => {
      await repository.putBytes(probeKey, probe);
      return `wrote ${probe.length} bytes as ${probeKey} in ${repository.description}`;
    });
    if (written) {
      await check("read", async () => {
        const data = await repository.getBytes(probeKey);
        if (!data) throw new Error(`the object just written (${probeKey}) is not there: the storage lost it`);
        if (!data.equals(probe))
          throw new Error(`the object read back differs from what was written (${data.length} bytes)`);
        return `read the ${probe.length} bytes back, checksum matches`;
      });
    } else {
      skipped("read", "not tried: nothing could be written to read back");
    }
    await check("list", async () => {
      const objects = await repository.list(`${PROBE_FOLDER}/`);
      if (written && !objects.some((object) => object.key === probeKey)) {
        throw new Error(`listing ${PROBE_FOLDER}/ does not show the object just written`);
      }
      return `listed ${PROBE_FOLDER}/ (${objects.length} object${objects.length === 1 ? "" : "s"})`;
    });
    if (written) {
      await check("delete", async () => {
        const { failed } = await repository.remove([probeKey]);
        if (failed.length) throw new Error(failed[0]!.message);
        if (await repository.head(probeKey))
          throw new Error("the object is still there after it was deleted");
        return "deleted the test object";
      });
    } else {
      skipped("delete", "not tried: nothing was written to delete");
    }
  } finally {
    repository.close();
  }
  return { ok: checks.every((entry) => entry.ok), checks };
}
