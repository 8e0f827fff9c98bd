// tsx scripts/sandbox.ts up|down|status — the local PostgreSQL sandbox on its own (WALDEN_HOME, WALDEN_PG_PORT).
import { sandboxOptionsFromEnv, sandboxStatus, startSandbox, stopSandbox } from "@/lib/sandbox";
import { ToolSetupError } from "@/lib/tools/setup-error";

const USAGE = "usage: tsx scripts/sandbox.ts up|down|status";

async function main(command: string | undefined): Promise<void> {
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
    case "status":
      console.log(JSON.stringify(await sandboxStatus(opts), null, 2));
      return;
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  // A SandboxError is one too: either is worded for a person, so its message is enough.
  console.error(error instanceof ToolSetupError ? `sandbox: ${error.message}` : error);
  process.exitCode = 1;
});
