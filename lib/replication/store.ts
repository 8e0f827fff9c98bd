import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { parseLsn } from "@/lib/replication/lsn";
import type { TickResult } from "@/lib/replication/tracker";

const toBigInt = (value: number | null) => (value === null ? null : BigInt(Math.round(value)));
const lsnToBigInt = (lsn: string | null) => (lsn === null ? null : parseLsn(lsn));

/** Saves one tick: the latest snapshot (replacing the previous), a raw sample per standby, and events. */
export async function saveTick(clusterId: string, ownerId: string, result: TickResult): Promise<void> {
  const sampledAt = new Date(result.snapshot.sampledAt);
  const snapshot = result.snapshot as unknown as Prisma.InputJsonValue;
  await db().$transaction([
    db().clusterSnapshot.upsert({
      where: { clusterId },
      create: { clusterId, sampledAt, ownerId, snapshot },
      update: { sampledAt, ownerId, snapshot },
    }),
    db().replicationSample.createMany({
      data: result.samples.map((sample) => ({
        clusterId,
        standby: sample.standby,
        at: sample.at,
        state: sample.state,
        primaryLsn: lsnToBigInt(sample.primaryLsn),
        replayLsn: lsnToBigInt(sample.replayLsn),
        writeBytes: toBigInt(sample.writeBytes),
        flushBytes: toBigInt(sample.flushBytes),
        replayBytes: toBigInt(sample.replayBytes),
        replaySeconds: sample.replaySeconds,
      })),
    }),
    db().replicationEvent.createMany({
      data: result.events.map((event) => ({
        clusterId,
        at: event.at,
        node: event.node,
        kind: event.kind,
        fromValue: event.from,
        toValue: event.to,
        message: event.message,
      })),
    }),
  ]);
}
