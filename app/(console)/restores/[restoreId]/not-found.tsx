import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function RestoreNotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-lg font-semibold text-zinc-900">No such restore</h1>
      <p className="mt-1 text-sm text-zinc-600">
        It may have been deleted with its cluster, or the address is wrong.
      </p>
      <Link href="/restores" className={`${buttonClasses()} mt-5`}>
        Back to restores
      </Link>
    </div>
  );
}
