// Why a cluster is at risk, as a code and its figures (GET /api/v1/clusters safety.reasonCodes):
// the overview translates overview.reasons.<code>; lib/clusters/safety-reasons.ts words it in English.

export type SafetyReason =
  | { code: "noSample"; params: Record<string, never> }
  | { code: "unreachable"; params: Record<string, never> }
  | { code: "noBackup"; params: Record<string, never> }
  | { code: "backupOverRpo"; params: { ageSeconds: number; targetSeconds: number } }
  | { code: "archiverFailing"; params: { lastFailedWal: string | null } }
  | { code: "windowNotComputed"; params: Record<string, never> }
  | { code: "archiveUnreadable"; params: { error: string } }
  | { code: "nothingRestorable"; params: Record<string, never> }
  | { code: "walGaps"; params: { count: number } }
  | { code: "drillFailed"; params: Record<string, never> }
  | { code: "drillOverRto"; params: { rtoSeconds: number; targetSeconds: number } }
  | { code: "criticalAlerts"; params: { count: number } };

export type SafetyReasonCode = SafetyReason["code"];
