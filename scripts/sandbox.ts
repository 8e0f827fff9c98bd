// tsx scripts/sandbox.ts up|down|status|failover <node> — the local PostgreSQL sandbox on its own
// (WALDEN_HOME, WALDEN_PG_PORT). failover promotes the node and rejoins the old primary as its
// standby with pg_rewind, so the demo can show Walden following a switchover.
import {
  failoverSandbox,
  sandboxOptionsFromEnv,
  sandboxStatus,
  startSandbox,
  stopSandbox,
} from "@/lib/sandbox";
import { SERVER_NAMES, type ServerName } from "@/lib/sandbox/context";
import { ToolSetupError } from "@/lib/tools/setup-error";

const USAGE = "usage: tsx scripts/sandbox.ts up|down|status|failover <standby1|standby2|primary>";

const isNode = (name: string | undefined): name is ServerName =>
  name !== "catalog" && (SERVER_NAMES as readonly string[]).includes(name ?? "");

async function main(command: string | undefined, argument: string | undefined): Promise<void> {
  // Progress goes to stderr so that stdout stays parseable JSON.
  const opts = { ...sandboxOptionsFromEnv(), log: (line: string) => console.error(`sandbox: ${line}`) };
  switch (command) {
    case "up":
      console.log(JSON.stringify(await startSandbox(opts), null, 2));
      return;
    case "down":
      await stopSandbox(opts);
      console.log(JSON.stringify(await sandboxStatus(opts), null, 2));
      return;
    case "failover":
      if (!isNode(argument)) break;
      console.log(JSON.stringify(await failoverSandbox(opts, argument), null, 2));
      return;
    case "status":
      console.log(JSON.stringify(await sandboxStatus(opts), null, 2));
      return;
  }
  console.error(USAGE);
  process.exitCode = 2;
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
  // A SandboxError is one too: either is worded for a person, so its message is enough.
  console.error(error instanceof ToolSetupError ? `sandbox: ${error.message}` : error);
  process.exitCode = 1;
});
