import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function ClusterNotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-lg font-semibold text-zinc-900">No such cluster</h1>
      <p className="mt-1 text-sm text-zinc-600">It may have been deleted, or the address is wrong.</p>
      <Link href="/clusters" className={`${buttonClasses()} mt-5`}>
        Back to clusters
      </Link>
    </div>
  );
}
