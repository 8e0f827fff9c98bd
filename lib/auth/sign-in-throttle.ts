import { db } from "@/lib/db";

// Online guessing is limited per account *and address*, and per address: a flood from one
// address locks out only that address (the account still signs in from anywhere else), and
// spraying many accounts from one address stops at the address's limit. An attempt is reserved
// in one atomic statement before the password is checked, so parallel attempts cannot get
// past the limit; a success gives its reservation back.

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Attempts on one account from one address per window. */
export const ACCOUNT_ATTEMPT_LIMIT = 10;
/** Attempts from one address on any accounts per window (a shared office address signs in often). */
export const ADDRESS_ATTEMPT_LIMIT = 100;

function keysFor(email: string, ip: string | undefined): { account: string; address: string } {
  const address = ip ?? "unknown";
  return { account: `account:${email}|address:${address}`, address: `address:${address}` };
}

/** Counts one attempt under `key` in the current window and returns the count, atomically. */
async function reserve(key: string): Promise<number> {
  const windowSeconds = SIGN_IN_WINDOW_MS / 1000;
  const rows = await db().$queryRaw<{ attempts: number }[]>`
    INSERT INTO sign_in_throttle AS t (key, window_started_at, attempts)
    VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      attempts = CASE WHEN t.window_started_at < now() - make_interval(secs => ${windowSeconds})
                      THEN 1 ELSE t.attempts + 1 END,
      window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => ${windowSeconds})
                               THEN now() ELSE t.window_started_at END
    RETURNING attempts`;
  return rows[0]!.attempts;
}

/**
 * Reserves an attempt for this account from this address. Returns which limit is exceeded, if
 * any; the caller then refuses without looking at the password.
 */
export async function reserveSignInAttempt(
  email: string,
  ip: string | undefined,
): Promise<"account" | "address" | null> {
  const keys = keysFor(email, ip);
  const [account, address] = await Promise.all([reserve(keys.account), reserve(keys.address)]);
  if (account > ACCOUNT_ATTEMPT_LIMIT) return "account";
  if (address > ADDRESS_ATTEMPT_LIMIT) return "address";
  return null;
}

/** A successful sign-in clears its account's count and gives the address its attempt back. */
export async function releaseSignInAttempt(email: string, ip: string | undefined): Promise<void> {
  const keys = keysFor(email, ip);
  await db().$transaction([
    db().signInThrottle.deleteMany({ where: { key: keys.account } }),
    db().signInThrottle.updateMany({
      where: { key: keys.address, attempts: { gt: 0 } },
      data: { attempts: { decrement: 1 } },
    }),
  ]);
}

/** Old windows are of no use: the worker's daily prune drops them. */
export async function pruneSignInThrottle(): Promise<number> {
  const { count } = await db().signInThrottle.deleteMany({
    where: { windowStartedAt: { lt: new Date(Date.now() - SIGN_IN_WINDOW_MS) } },
  });
  return count;
}
