import path from "node:path";
import { z } from "zod";

// The only reader of process.env: everything else imports `env` (or calls readEnv in tests).
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set: point it at the catalog database (npm run demo prints one)" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// URL"),
  WALDEN_SECRET: z
    .string({ error: "WALDEN_SECRET is not set: use 32+ random characters (openssl rand -hex 32)" })
    .min(32, "WALDEN_SECRET must be at least 32 characters (openssl rand -hex 32)"),
  WALDEN_HOME: z.string().default("./.walden"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  WALDEN_PG_PORT: z.coerce.number().int().min(1024).max(65500).default(54320),
  WALDEN_SECURE_COOKIES: z.enum(["auto", "true", "false"]).default("auto"),
  /** Where `npm start` listens: loopback unless an operator opens it up (behind a proxy, say). */
  WALDEN_LISTEN_HOST: z.string().min(1).default("127.0.0.1"),
  /** Proxies whose X-Forwarded-* headers are believed (addresses or CIDR ranges); none by default. */
  WALDEN_TRUSTED_PROXIES: z.string().optional(),
  /** Audit events older than this are pruned by the worker once a day. */
  WALDEN_AUDIT_RETENTION_DAYS: z.coerce
    .number({ error: "WALDEN_AUDIT_RETENTION_DAYS must be a number of days" })
    .int()
    .min(30, "WALDEN_AUDIT_RETENTION_DAYS must be at least 30: audits need a month of evidence")
    .default(400),
});

export type Env = z.infer<typeof EnvSchema> & { waldenHome: string };

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Walden configuration is invalid:\n${lines.join("\n")}`);
  }
  return { ...parsed.data, waldenHome: path.resolve(parsed.data.WALDEN_HOME) };
}

/** Default of WALDEN_STALL_TIMEOUT_SECONDS: ten minutes without any sign of progress. */
export const DEFAULT_STALL_TIMEOUT_SECONDS = 600;
const StallTimeoutSchema = z.coerce
  .number({ error: "WALDEN_STALL_TIMEOUT_SECONDS must be a number of seconds" })
  .int("WALDEN_STALL_TIMEOUT_SECONDS must be whole seconds")
  .min(1, "WALDEN_STALL_TIMEOUT_SECONDS must be at least 1")
  .max(86_400, "WALDEN_STALL_TIMEOUT_SECONDS must be at most 86400 (a day)")
  .default(DEFAULT_STALL_TIMEOUT_SECONDS);

/**
 * How long an external program (pg_basebackup, pg_dump, tar, a replaying server…) may make no
 * progress before its watchdog kills it. Read on each use, without the rest of the
 * configuration, so tools run anywhere (and a test can shorten it).
 */
export function stallTimeoutSeconds(source: NodeJS.ProcessEnv = process.env): number {
  const parsed = StallTimeoutSchema.safeParse(source.WALDEN_STALL_TIMEOUT_SECONDS || undefined);
  if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
  return parsed.data;
}

/** Settings only the worker reads, on use (restored instances, the report renderer); their modules validate them. */
export type WorkerSetting =
  | "WALDEN_RESTORE_PORTS"
  | "WALDEN_RESTORE_MAX_INSTANCES"
  | "WALDEN_URL"
  | "WALDEN_CHROMIUM_PATH"
  | "WALDEN_PAGERDUTY_EVENTS_URL";

/** A worker setting's raw value; empty counts as unset. */
export function workerSetting(
  name: WorkerSetting,
  source: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return source[name] || undefined;
}

/** `next dev`: the page policy then allows eval for its refresh runtime (proxy.ts). */
export function isDevelopment(): boolean {
  return process.env.NODE_ENV === "development";
}

/** The PATH programs are looked up in, handed to every program Walden runs. */
export function programSearchPath(): string {
  return process.env.PATH ?? "/usr/bin:/bin";
}

/**
 * Settings read before the catalog exists, so without the rest of the configuration (env() needs
 * DATABASE_URL and WALDEN_SECRET, which the demo makes itself): where PostgreSQL's programs are,
 * the sandbox's folder and first port, the demo's web port and secret.
 */
export type StartupSetting =
  "WALDEN_PG_BIN" | "PATH" | "WALDEN_HOME" | "WALDEN_PG_PORT" | "PORT" | "WALDEN_SECRET";

/** The named startup settings' raw values (empty counts as unset); the modules that use them validate them. */
export function startupSettings<Name extends StartupSetting>(
  ...names: Name[]
): Partial<Record<Name, string>> {
  const settings: Partial<Record<Name, string>> = {};
  for (const name of names) settings[name] = process.env[name] || undefined;
  return settings;
}

/**
 * For the demo, which makes the catalog and the secret itself once its sandbox is up: sets them
 * for this process (env() reads them on first use) and the programs it starts.
 */
export function provideSettings(
  values: Partial<Record<"DATABASE_URL" | "WALDEN_SECRET" | "WALDEN_HOME", string>>,
): void {
  Object.assign(process.env, values);
  cached = undefined;
}

/** The environment Walden's own processes (web app, worker, next build) start with: this one's, and `overrides`. */
export function childEnvironment(overrides: NodeJS.Dict<string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

let cached: Env | undefined;

/** Validated on first use, so importing a module never throws at build time. */
export function env(): Env {
  cached ??= readEnv();
  return cached;
}
