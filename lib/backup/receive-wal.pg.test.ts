import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { systemActor } from "@/lib/auth/system-actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { generateAgeKey } from "@/lib/offsite/age";
import { SamplerFleet } from "@/lib/worker/sampler";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { receiveWalSlotName } from "@/lib/backup/slot-names";

// Archive mode "stream": the worker that owns the cluster runs pg_receivewal with a slot.

const sandbox = inject("sandbox");
const name = `streamed-${Date.now().toString(36)}`;
const archive = path.join(inject("waldenHome"), "archive", name);
const primary = {
  host: "127.0.0.1",
  port: sandbox.cluster.primary.port,
  user: "walden",
  password: sandbox.cluster.primary.password,
  database: "app",
};
let clusterId: string;
let fleet: SamplerFleet;

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(primary);
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  const cluster = await registerCluster(
    systemActor("stream test"),
    clusterCreateSchema.parse({ name, primary, archive: { mode: "stream", path: archive } }),
    {},
  );
  clusterId = cluster.id;
  fleet = new SamplerFleet(inject("databaseUrl"), "stream-test", () => {});
  fleet.start();
});

afterAll(async () => {
  await fleet.stop();
  await db().cluster.delete({ where: { id: clusterId } });
  await sql(
    "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1 and not active",
    [receiveWalSlotName(clusterId)],
  );
  await fs.rm(archive, { recursive: true, force: true });
});

it("streams WAL into the archive through its own slot, and restarts pg_receivewal when it dies", async () => {
  const slot = receiveWalSlotName(clusterId);
  await until(
    async () =>
      (await sql("select 1 from pg_replication_slots where slot_name = $1 and active", [slot])).length === 1,
    20_000,
    "an active slot",
  );

  const segments = async () =>
    (await fs.readdir(archive).catch(() => [])).filter((file) => /^[0-9A-F]{24}$/.test(file));
  const before = (await segments()).length;
  await sql("create table if not exists stream_test (x int); insert into stream_test values (1)");
  await sql("select pg_switch_wal()");
  await until(async () => (await segments()).length > before, 15_000, "a completed segment in the archive");
  expect((await segments()).length).toBeGreaterThan(before);

  // Kill pg_receivewal: the worker starts it again.
  const [walsender] = await sql<{ pid: number }>(
    "select active_pid as pid from pg_replication_slots where slot_name = $1",
    [slot],
  );
  await sql("select pg_terminate_backend($1)", [walsender!.pid]);
  await until(
    async () =>
      (
        await sql<{ pid: number }>(
          "select active_pid as pid from pg_replication_slots where slot_name = $1 and active",
          [slot],
        )
      )[0]?.pid !== undefined &&
      (
        await sql<{ pid: number }>(
          "select active_pid as pid from pg_replication_slots where slot_name = $1",
          [slot],
        )
      )[0]?.pid !== walsender!.pid,
    20_000,
    "pg_receivewal to reconnect",
  );
  const [again] = await sql<{ pid: number; active: boolean }>(
    "select active_pid as pid, active from pg_replication_slots where slot_name = $1",
    [slot],
  );
  expect(again).toMatchObject({ active: true });
  expect(again!.pid).not.toBe(walsender!.pid);
});

it("with the local repository encrypted at rest, seals each segment it finishes at once, never the .partial it writes", async () => {
  const { recipient } = generateAgeKey();
  await db().cluster.update({
    where: { id: clusterId },
    data: { localEncryptionEnabled: true, localEncryptionRecipient: recipient },
  });
  const files = async () => (await fs.readdir(archive).catch(() => [])).sort();
  const sealedCount = async () => (await files()).filter((file) => /^[0-9A-F]{24}\.age$/.test(file)).length;
  const before = await sealedCount();
  await sql("insert into stream_test values (2)");
  const [switched] = await sql<{ wal: string }>("select pg_walfile_name(pg_switch_wal()) as wal");
  const wal = switched!.wal;
  await until(
    async () => (await files()).includes(`${wal}.age`) && !(await files()).includes(wal),
    20_000,
    `${wal} sealed at rest`,
  );
  expect(await sealedCount()).toBeGreaterThan(before);
  // Every complete segment is sealed (those streamed before encryption too); a .partial
  // pg_receivewal is writing is never touched.
  await until(
    async () => (await files()).filter((file) => /^[0-9A-F]{24}$/.test(file)).length === 0,
    20_000,
    "no plain complete segment left",
  );
  expect((await files()).filter((file) => file.includes(".partial."))).toEqual([]);
  const facts = JSON.parse(await fs.readFile(path.join(archive, `${wal}.age.json`), "utf8"));
  expect(facts).toMatchObject({ recipient, bytes: 16 * 1024 * 1024 });
  expect((await fs.stat(path.join(archive, `${wal}.age`))).mode & 0o077).toBe(0);
});
