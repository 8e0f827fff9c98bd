import type { SandboxInfo } from "./sandbox";

// For pg tests on a sandbox of their own: the registration body of its cluster, every node
// reached as the primary's `walden` role (what POST /api/v1/clusters takes, before parsing).
export function sandboxClusterInput(sandbox: SandboxInfo, name: string, extra: Record<string, unknown> = {}) {
  const node = (port: number) => ({
    host: "127.0.0.1",
    port,
    user: "walden",
    password: sandbox.cluster.primary.password,
    database: "app",
  });
  return {
    name,
    primary: node(sandbox.cluster.primary.port),
    standbys: sandbox.cluster.standbys.map((standby) => ({ name: standby.name, ...node(standby.port) })),
    defaults: false, // no backup schedule firing in the middle of a test
    ...extra,
  };
}
