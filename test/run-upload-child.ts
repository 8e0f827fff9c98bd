// A stand-in worker for the resumable-upload test: uploads one file to the offsite repository
// with the catalog's upload ledger, as offsite.copy does, and dies (SIGKILL: no cleanup, no
// abort, as a crashed worker) once `killAfterBytes` are sent. Started as `node --import tsx`.
import { catalogUploads } from "@/lib/offsite/catalog-uploads";
import { S3Repository } from "@/lib/offsite/s3-repository";

const [settings, file, key, sha256, killAfterBytes] = process.argv.slice(2);
const repository = new S3Repository(JSON.parse(settings!));
repository
  .putFile(file!, key!, {
    sha256,
    uploads: catalogUploads,
    onProgress: (sent) => {
      if (sent >= Number(killAfterBytes)) process.kill(process.pid, "SIGKILL");
    },
  })
  .then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
