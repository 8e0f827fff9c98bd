import { getRepositoriesWithEncryption } from "@/lib/backup/at-rest-settings";
import { withRoute } from "@/lib/route";

// GET /api/v1/clusters/:id/repositories — the local and offsite repositories, without secrets
// (the local one's encryption at rest: recipient, fingerprint, whether Walden holds the key)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "repositories.read" }, ({ params }) =>
  getRepositoriesWithEncryption(params.id),
);
