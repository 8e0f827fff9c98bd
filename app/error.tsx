"use client";

import { ErrorPanel } from "@/components/shell/error-panel";

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="mx-auto max-w-lg px-6">
      <ErrorPanel error={error} retry={retry} />
    </main>
  );
}
