import type { Prisma } from "@/lib/generated/prisma/client";
import { toJson } from "@/lib/db/json";
import type { RegistrationDefaults } from "@/lib/schemas/cluster";
import { scheduleInputSchema } from "@/lib/schemas/schedule";

// The protection a cluster is registered with (lib/schemas/cluster.ts REGISTRATION_DEFAULTS, or
// what the form changed): its physical backup schedule, retention policy, drill schedule and
// verification schedule, written in the cluster's own transaction so a cluster never exists half-protected. pg-boss
// picks the new backup schedule up at the workers' next refresh (lib/schedules/worker.ts).

/** What was created, for the cluster.create audit event. */
export interface CreatedProtection {
  physicalScheduleId: string | null;
  retention: boolean;
  verification: boolean;
  drill: boolean;
}

export async function createRegistrationProtection(
  tx: Prisma.TransactionClient,
  clusterId: string,
  defaults: RegistrationDefaults,
): Promise<CreatedProtection> {
  // Nothing: no backup schedule, no verification and no drill run on their own.
  if (defaults === false)
    return { physicalScheduleId: null, retention: false, verification: false, drill: false };
  const { physicalBackup, retention, verification, drill } = defaults;
  // Through the schedule endpoint's schema, so the stored options are the ones a PUT would store.
  const scheduled = scheduleInputSchema("physical").parse(physicalBackup);
  const schedule = await tx.backupSchedule.create({
    data: {
      clusterId,
      kind: "physical",
      cron: scheduled.cron,
      timezone: scheduled.timezone,
      enabled: scheduled.enabled,
      options: toJson(scheduled.options),
      backupFrom: scheduled.backupFrom,
    },
  });
  await tx.retentionPolicy.create({ data: { clusterId, ...retention } });
  await tx.verifySchedule.create({ data: { clusterId, ...verification } });
  await tx.drillSchedule.create({ data: { clusterId, ...drill } });
  return { physicalScheduleId: schedule.id, retention: true, verification: true, drill: true };
}
