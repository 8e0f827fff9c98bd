import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentActor } from "@/lib/auth/page";
import { safeNextPath } from "@/lib/auth/safe-next";
import { LoginForm } from "./_components/login-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNextPath((await searchParams).next);
  if (await getCurrentActor()) redirect(next ?? "/");

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-lg font-semibold tracking-tight text-zinc-900">
            <span className="text-emerald-700">◆</span> Walden
          </p>
          <h1 className="mt-4 text-base font-medium text-zinc-700">Sign in to your console</h1>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          <LoginForm next={next} />
        </div>
        <p className="mt-4 text-center text-xs text-zinc-500">
          PostgreSQL backup, PITR and replication monitoring
        </p>
      </div>
    </main>
  );
}
