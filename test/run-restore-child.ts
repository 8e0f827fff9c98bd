// A stand-in worker process for the kill -9 test: runs one restore with the worker's own function,
// and hangs (as a stuck worker would) once the restored server is up, so that the test's SIGKILL
// always lands mid-restore, however quickly this restore would otherwise replay its WAL.
import { instancePid, instancePaths } from "@/lib/restore/instance";
import { runRestore } from "@/lib/restore/run";

const restoreId = process.argv[2]!;
const paths = instancePaths(restoreId);
const hangWhenServerIsUp = setInterval(() => {
  void instancePid(paths).then((pid) => {
    if (pid !== null) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks for good
  });
}, 2);

runRestore(restoreId, "doomed-worker").then(
  () => {
    clearInterval(hangWhenServerIsUp);
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
