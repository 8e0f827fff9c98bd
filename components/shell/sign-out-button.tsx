"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { ApiError } from "@/lib/client/fetcher";
import { useLogout } from "@/lib/client/use-auth";

export function SignOutButton() {
  const router = useRouter();
  const t = useTranslations("shell.signOut");
  const queryClient = useQueryClient();
  const logout = useLogout();

  const leave = () => {
    queryClient.clear();
    router.replace("/login");
    router.refresh();
  };
  // An already-expired session is as good as signed out.
  const failed = logout.isError && !(logout.error instanceof ApiError && logout.error.status === 401);

  return (
    <span className="flex items-center gap-2">
      {failed ? (
        <span role="alert" className="text-xs text-red-600">
          {t("failed", { message: logout.error?.message ?? "" })}
        </span>
      ) : null}
      <Button
        size="sm"
        variant="secondary"
        disabled={logout.isPending}
        onClick={() =>
          logout.mutate(undefined, {
            onSuccess: leave,
            onError: (error) => {
              if (error instanceof ApiError && error.status === 401) leave();
            },
          })
        }
      >
        {t("button")}
      </Button>
    </span>
  );
}
