"use client";

import { RestoreStatusBadge } from "@/components/restores/restore-status";
import { useRestore, type RestoreView } from "@/lib/client/use-restores";

/** The status in the page title, kept current by the same query the page below polls. */
export function LiveRestoreStatus({ initialRestore }: { initialRestore: RestoreView }) {
  const query = useRestore(initialRestore.id, initialRestore);
  return <RestoreStatusBadge restore={query.data ?? initialRestore} />;
}
