export { buildArchiveCommand, shellQuote } from "./archive-command";
export { findPgBinaries, SandboxError, type PgBinaries } from "./binaries";
export {
  promoteSandboxStandby,
  sandboxOptionsFromEnv,
  sandboxStatus,
  startSandbox,
  stopSandbox,
  stopSandboxServer,
  type SandboxInfo,
  type SandboxOptions,
  type SandboxServer,
  type ServerState,
} from "./sandbox";
