"use client";

import { useTranslations } from "next-intl";
import { ApiError, SESSION_ENDED_MESSAGE } from "@/lib/client/fetcher";

// A failure in the reader's language where the words are the browser's own (the server could
// not be reached, the session ended, an answer without the API's error body, or no Error at
// all). A message the API wrote is shown as the server sent it.

type CommonErrorsT = ReturnType<typeof useTranslations<"common.errors">>;

/** The text of `error` for the reader: translated when the browser made it up, else the server's. */
export function translateError(t: CommonErrorsT, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === "network_error" && error.status === 0) return t("network");
    // Only the browser's own 401 text: a 401 the API explained (a wrong password) keeps its message.
    if (error.status === 401 && error.message === SESSION_ENDED_MESSAGE) return t("sessionEnded");
    if (error.code === `http_${error.status}`) {
      // The client wrote "The server answered 502 Bad Gateway": keep the status text, in English.
      const prefix = `The server answered ${error.status}`;
      const statusText = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : "";
      return t("http", { status: String(error.status), statusText });
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return t("generic");
}

/** errorMessage() of lib/client/fetcher.ts, in the reader's language where the browser wrote it. */
export function useErrorMessage(): (error: unknown) => string {
  const t = useTranslations("common.errors");
  return (error) => translateError(t, error);
}
