export { buildArchiveCommand, shellQuote } from "./archive-command";
export { findPgBinaries, SandboxError, type PgBinaries } from "./binaries";
export {
  sandboxOptionsFromEnv,
  sandboxStatus,
  startSandbox,
  stopSandbox,
  type SandboxInfo,
  type SandboxOptions,
  type SandboxServer,
  type ServerState,
} from "./sandbox";
