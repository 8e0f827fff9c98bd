import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24">
      <p className="text-sm font-medium text-emerald-700">404</p>
      <h1 className="mt-1 text-xl font-semibold text-zinc-900">Page not found</h1>
      <p className="mt-2 text-sm text-zinc-600">
        There is nothing at this address. It may have been removed or mistyped.
      </p>
      <Link href="/" className={`${buttonClasses({ variant: "secondary" })} mt-6`}>
        Go to the overview
      </Link>
    </main>
  );
}
