"use client";

import Link from "next/link";
import { useEffect } from "react";
import { Button, buttonClasses } from "@/components/ui/button";

// Server errors reach the browser without their message (by design); the digest matches the server log.
export function ErrorPanel({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;

  return (
    <div className="max-w-lg py-16">
      <p className="text-sm font-medium text-red-600">Error</p>
      <h1 className="mt-1 text-xl font-semibold text-zinc-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-zinc-600">
        Walden could not show this page. The server log has the details
        {digest ? (
          <>
            {" "}
            (reference <code className="rounded bg-zinc-100 px-1 text-xs">{digest}</code>)
          </>
        ) : null}
        .
      </p>
      <div className="mt-6 flex gap-2">
        <Button variant="primary" onClick={() => retry()}>
          Try again
        </Button>
        <Link href="/" className={buttonClasses({ variant: "secondary" })}>
          Go to the overview
        </Link>
      </div>
    </div>
  );
}
