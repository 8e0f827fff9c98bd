"use client";

import { ErrorPanel } from "@/components/shell/error-panel";

// Inside the console shell, so the navigation stays usable when one page fails.
export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel error={error} retry={retry} />;
}
