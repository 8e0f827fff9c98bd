import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { isProcessAlive, parsePid } from "@/lib/tools/process-state";
import type { Context } from "./context";
import { SandboxError } from "./errors";

// One bring-up or shutdown at a time per home: a lock file holding the holder's pid.

const LOCK_TIMEOUT_MS = 5 * 60_000;

export async function withSandboxLock<T>(ctx: Context, work: () => Promise<T>): Promise<T> {
  const token = `${process.pid} ${randomBytes(8).toString("hex")}`;
  await acquireLock(ctx, token);
  try {
    return await work();
  } finally {
    await releaseLock(ctx.layout.lockFile, token);
  }
}

async function acquireLock(ctx: Context, token: string): Promise<void> {
  const { lockFile } = ctx.layout;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let reportedHolder: number | undefined;
  for (;;) {
    try {
      await fs.writeFile(lockFile, token, { flag: "wx", mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const content = await fs.readFile(lockFile, "utf8").catch(() => "");
    const holder = parsePid(content);
    if (holder !== undefined && !isProcessAlive(holder)) {
      // Re-read first, so a waiter that lost the race never deletes the winner's fresh lock.
      if ((await fs.readFile(lockFile, "utf8").catch(() => "")) === content) {
        ctx.log(`removing stale ${lockFile} left by pid ${holder}`);
        await fs.rm(lockFile, { force: true });
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new SandboxError(
        `Another sandbox start/stop (pid ${holder ?? "unknown"}) still holds ${lockFile}. ` +
          "Wait for it, or delete the file if that process is gone.",
      );
    }
    if (holder !== reportedHolder) {
      ctx.log(`waiting for ${lockFile} held by pid ${holder ?? "unknown"}`);
      reportedHolder = holder;
    }
    await sleep(200);
  }
}

async function releaseLock(lockFile: string, token: string): Promise<void> {
  const text = await fs.readFile(lockFile, "utf8").catch(() => "");
  if (text === token) await fs.rm(lockFile, { force: true });
}
