import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { renderMetrics } from "@/lib/metrics/prometheus";

// A scrape of a fleet costs the same number of catalog queries for 5 clusters as for 500
// (issue 17): every query in lib/metrics covers all clusters at once. Counted with a Prisma
// query extension on the real client, which every catalog call in lib/metrics goes through.

const prefix = `fleet-${Date.now().toString(36)}`;
const holder: typeof globalThis & { prisma?: unknown } = globalThis;
const plain = db();
let operations = 0;
const counting = plain.$extends({
  query: {
    $allOperations({ args, query }) {
      operations += 1;
      return query(args);
    },
  },
});

/** Catalog operations one render of /metrics makes. */
async function operationsPerScrape(): Promise<number> {
  holder.prisma = counting;
  operations = 0;
  try {
    await renderMetrics();
    return operations;
  } finally {
    holder.prisma = plain;
  }
}

async function addClusters(count: number, offset: number) {
  for (let index = offset; index < offset + count; index += 1) {
    const cluster = await db().cluster.create({
      data: {
        name: `${prefix}-${index}`,
        archiveMode: "archive_command",
        nodes: {
          create: [
            { name: "primary", role: "primary", host: "127.0.0.1", port: 1, username: "u", database: "d" },
          ],
        },
      },
    });
    const finishedAt = new Date(Date.now() - 3_600_000);
    await db().backup.create({
      data: {
        clusterId: cluster.id,
        kind: "physical",
        status: "succeeded",
        options: {},
        requestedBy: "test",
        startedAt: new Date(finishedAt.getTime() - 60_000),
        finishedAt,
        sizeBytes: 1000n,
      },
    });
    await db().restoreWindowSnapshot.create({
      data: {
        clusterId: cluster.id,
        computedAt: new Date(),
        window: { earliest: finishedAt.toISOString(), latest: new Date().toISOString(), gaps: [] },
      },
    });
  }
}

afterAll(async () => {
  await db().cluster.deleteMany({ where: { name: { startsWith: prefix } } });
});

describe("GET /metrics at fleet scale", () => {
  it("counts raw queries too (most of lib/metrics' queries are raw SQL)", async () => {
    operations = 0;
    await counting.$queryRaw`SELECT 1`;
    expect(operations).toBe(1);
  });

  it("makes as many catalog queries for 3 more clusters as before, and counts them all", async () => {
    await addClusters(2, 0);
    const before = await operationsPerScrape();
    expect(before).toBeGreaterThan(3);
    await addClusters(3, 2);
    const after = await operationsPerScrape();
    expect(after).toBe(before);
    const { body } = await renderMetrics();
    for (let index = 0; index < 5; index += 1)
      expect(body).toContain(
        `walden_backup_last_size_bytes{cluster="${prefix}-${index}",kind="physical"} 1000`,
      );
  });
});
