import type { Actor } from "@/lib/auth/actor";

/** Who the audit log names for work nobody clicked: schedules, retention runs, the demo seed. */
export function systemActor(label: string): Actor {
  return {
    kind: "session",
    userId: "00000000-0000-0000-0000-000000000000",
    email: "system",
    role: "admin",
    label,
  };
}
