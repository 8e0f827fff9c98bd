// A stand-in worker process for the kill -9 test: runs one backup with the worker's own function.
// Started as `node --import tsx` (not the tsx CLI, which would run it in a grandchild that a
// SIGKILL of the CLI leaves running).
import { runBackup } from "@/lib/backup/run";

runBackup(process.argv[2]!, "doomed-worker").then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
