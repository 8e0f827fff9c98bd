// The sandbox's public surface: the local servers for the demo and the tests. Running programs,
// finding PostgreSQL and rendering commands and settings are lib/tools' (the sandbox uses them).
export { SandboxError } from "./errors";
export { sandboxOptionsFromEnv, type SandboxOptions } from "./options";
export type { FailoverResult } from "./failover";
export {
  failoverSandbox,
  promoteSandboxStandby,
  rejoinSandboxNode,
  sandboxStatus,
  startSandbox,
  stopSandbox,
  stopSandboxServer,
  type SandboxInfo,
  type SandboxServer,
} from "./sandbox";
export type { ServerState } from "./servers";
