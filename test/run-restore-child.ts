// A stand-in worker process for the kill -9 test: runs one restore with the worker's own function.
import { runRestore } from "@/lib/restore/run";

runRestore(process.argv[2]!, "doomed-worker").then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
