import { BlockList, isIP } from "node:net";
import pg from "pg";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { defaultArchivePath } from "@/lib/clusters/mutations";
import { getActiveClusterRowOrThrow } from "@/lib/clusters/queries";
import { connectionFromInput, nodeConnection, perNodeResult } from "@/lib/clusters/test-connection";
import { AppError } from "@/lib/errors";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { describeConnectionError, probeNode } from "@/lib/pg/probe";
import type {
  ConfigCheck,
  ConfigCheckInput,
  NodeConfigReport,
  NodeConfigResult,
} from "@/lib/schemas/config-check";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { shellQuote } from "@/lib/tools/shell-quote";

// The configuration check (issue 16): read one node's settings, pg_hba rules and role, then judge
// them (evaluateConfig, a pure function) against what Walden needs for this cluster.
// Over 400 lines: seven checks, each with its own found/expected/fix wording, kept beside the reading
// so one file answers "what does the configuration check look at".

/** A pg_hba_file_rules row, as far as the check needs it. */
export interface HbaRule {
  line_number: number;
  type: string;
  database: string[] | null;
  user_name: string[] | null;
  address: string | null;
  netmask: string | null;
  auth_method: string | null;
  error: string | null;
}

/** What was read from the node. A setting is undefined when the role may not see it. */
export interface ConfigFacts {
  serverRole: "primary" | "standby";
  currentUser: string;
  privileges: { superuser: boolean; replication: boolean; pgMonitor: boolean };
  settings: Partial<Record<(typeof SETTING_NAMES)[number], string>>;
  /** null: pg_hba_file_rules is not readable by this role. */
  hba: HbaRule[] | null;
  /** The address the server saw this session come from (null over a Unix socket). */
  clientAddress: string | null;
}

/** What this cluster needs from the node. */
export interface ConfigExpectations {
  archiveMode: "archive_command" | "stream";
  /** The folder Walden reads the WAL archive from; null when none is registered. */
  archivePath: string | null;
  rpoTargetSeconds: number;
  standbyCount: number;
}

const SETTING_NAMES = [
  "wal_level",
  "archive_mode",
  "archive_command",
  "archive_library",
  "archive_timeout",
  "max_wal_senders",
] as const;

/** A new cluster's RPO target until one is set (the catalog's default, 26 h). */
export const DEFAULT_RPO_TARGET_SECONDS = 93_600;

const RESTART = (setting: string) =>
  `-- restart needed: ${setting} only changes when PostgreSQL restarts (e.g. pg_ctl restart, systemctl restart postgresql)`;
const RELOAD = "SELECT pg_reload_conf();";
const sqlLiteral = (value: string) => pg.escapeLiteral(value);
const sqlIdent = (value: string) => pg.escapeIdentifier(value);

const ok = (id: ConfigCheck["id"], found: string, expected: string): ConfigCheck => ({
  id,
  status: "ok",
  found,
  expected,
  fix: null,
});

function walLevelCheck(facts: ConfigFacts): ConfigCheck {
  const value = facts.settings.wal_level ?? "unknown";
  const expected = "replica or logical: base backups, archiving and standbys need it";
  if (value === "replica" || value === "logical") return ok("wal_level", value, expected);
  return {
    id: "wal_level",
    status: "fail",
    found: value,
    expected,
    fix: `ALTER SYSTEM SET wal_level = 'replica';\n${RESTART("wal_level")}`,
  };
}

function archiveModeCheck(facts: ConfigFacts, expect: ConfigExpectations): ConfigCheck {
  const value = facts.settings.archive_mode ?? "unknown";
  if (expect.archiveMode === "stream")
    return ok("archive_mode", value, "not used: Walden streams this cluster's WAL with pg_receivewal");
  const expected = "on (or always): PostgreSQL hands every finished WAL segment to archive_command";
  if (value === "on" || value === "always") return ok("archive_mode", value, expected);
  return {
    id: "archive_mode",
    status: "fail",
    found: value,
    expected,
    fix: `ALTER SYSTEM SET archive_mode = 'on';\n${RESTART("archive_mode")}`,
  };
}

/** Whether `command` names `dir` as a whole path (not /a/b inside /a/bc), as written or %-escaped. */
export function commandWritesTo(command: string, dir: string): boolean {
  const trimmed = dir.replace(/\/+$/, "");
  const forms = new Set([trimmed, trimmed.replaceAll("%", "%%"), shellQuote(trimmed).replaceAll("%", "%%")]);
  for (const form of forms) {
    for (let at = command.indexOf(form); at >= 0; at = command.indexOf(form, at + 1)) {
      const next = command[at + form.length];
      if (next === undefined || !/[A-Za-z0-9._-]/.test(next)) return true;
    }
  }
  return false;
}

function archiveCommandCheck(facts: ConfigFacts, expect: ConfigExpectations): ConfigCheck {
  const { archive_command: command, archive_library: library } = facts.settings;
  if (expect.archiveMode === "stream")
    return ok("archive_command", command ?? "(not readable)", "not used: WAL is streamed");
  if (!expect.archivePath) {
    return {
      id: "archive_command",
      status: "warn",
      found: command ?? "(not readable)",
      expected: "a copy into the cluster's archive folder, but none is registered",
      fix: "Register the archive folder (archive.path) for this cluster, then check again.",
    };
  }
  const expected = `a copy into ${expect.archivePath}, the folder Walden reads the WAL archive from`;
  const setCommand = `ALTER SYSTEM SET archive_command = ${sqlLiteral(buildArchiveCommand(expect.archivePath))};\n${RELOAD}`;
  if (command === undefined) {
    return {
      id: "archive_command",
      status: "warn",
      found: `not readable by role "${facts.currentUser}" (only superusers and pg_read_all_settings see it)`,
      expected,
      fix: `GRANT pg_read_all_settings TO ${sqlIdent(facts.currentUser)};`,
    };
  }
  if (command === "(disabled)") {
    // PostgreSQL shows archive_command as "(disabled)" while archive_mode is off.
    return {
      id: "archive_command",
      status: "warn",
      found:
        "(disabled): archive_mode is off, so the server does not show the command; check again once it is on",
      expected,
      fix: setCommand,
    };
  }
  if (library) {
    return {
      id: "archive_command",
      status: "fail",
      found: `archive_library = '${library}' (it replaces archive_command)`,
      expected,
      fix: `ALTER SYSTEM RESET archive_library;\n${setCommand}`,
    };
  }
  if (command && commandWritesTo(command, expect.archivePath))
    return ok("archive_command", command, expected);
  return {
    id: "archive_command",
    status: "fail",
    found: command || "(empty: nothing is archived)",
    expected,
    fix: setCommand,
  };
}

const formatSeconds = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

function archiveTimeoutCheck(facts: ConfigFacts, expect: ConfigExpectations): ConfigCheck {
  const seconds = Number(facts.settings.archive_timeout ?? Number.NaN);
  if (expect.archiveMode === "stream")
    return ok(
      "archive_timeout",
      `${facts.settings.archive_timeout ?? "unknown"} s`,
      "not used: WAL is streamed",
    );
  const rpo = formatSeconds(expect.rpoTargetSeconds);
  const expected =
    `more than 0 and at most the RPO target (${rpo}): a segment still being filled is archived ` +
    `after archive_timeout at the latest, so a restore from the archive loses at most that much`;
  const suggested = Math.min(60, expect.rpoTargetSeconds);
  const fix = `ALTER SYSTEM SET archive_timeout = '${suggested}s';\n${RELOAD}`;
  if (!Number.isFinite(seconds))
    return { id: "archive_timeout", status: "warn", found: "unknown", expected, fix };
  if (seconds === 0) {
    return {
      id: "archive_timeout",
      status: "warn",
      found: "0 (off): on a quiet server the last transactions wait until a segment fills, for hours or days",
      expected,
      fix,
    };
  }
  if (seconds > expect.rpoTargetSeconds) {
    return {
      id: "archive_timeout",
      status: "fail",
      found: `${formatSeconds(seconds)}: up to that much committed work can be missing from the archive`,
      expected,
      fix,
    };
  }
  return ok("archive_timeout", `${formatSeconds(seconds)}: a restore loses at most that much`, expected);
}

function maxWalSendersCheck(facts: ConfigFacts, expect: ConfigExpectations): ConfigCheck {
  const value = Number(facts.settings.max_wal_senders ?? Number.NaN);
  // Each standby streams with one; pg_basebackup -X stream takes two; pg_receivewal one more.
  const needed = expect.standbyCount + 2 + (expect.archiveMode === "stream" ? 1 : 0);
  const expected = `at least ${needed}: ${expect.standbyCount} standby(s), 2 for a base backup${expect.archiveMode === "stream" ? ", 1 for pg_receivewal" : ""}`;
  if (value >= needed) return ok("max_wal_senders", String(value), expected);
  return {
    id: "max_wal_senders",
    status: value === 0 || !Number.isFinite(value) ? "fail" : "warn",
    found: Number.isFinite(value) ? String(value) : "unknown",
    expected,
    fix: `ALTER SYSTEM SET max_wal_senders = ${Math.max(10, needed)};\n${RESTART("max_wal_senders")}`,
  };
}

const TCP_RULE_TYPES = new Set(["host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"]);

const prefixLength = (netmask: string) =>
  netmask.includes(":")
    ? netmask
        .split(":")
        .reduce(
          (bits, group) => bits + (parseInt(group || "0", 16) >>> 0).toString(2).replaceAll("0", "").length,
          0,
        )
    : netmask
        .split(".")
        .reduce((bits, octet) => bits + Number(octet).toString(2).replaceAll("0", "").length, 0);

/** Whether a rule's address may match `client`; names, samehost/samenet and unknown clients count as a maybe. */
function addressMatches(rule: HbaRule, client: string | null): boolean {
  if (!client || !rule.address || !isIP(rule.address) || !rule.netmask) return true;
  if (isIP(rule.address) !== isIP(client)) return false;
  const family = isIP(client) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  list.addSubnet(rule.address, prefixLength(rule.netmask), family);
  return list.check(client, family);
}

/** The first rule that would take this role's replication connection from where Walden connects. */
export function firstReplicationRule(rules: HbaRule[], user: string, client: string | null): HbaRule | null {
  return (
    rules.find(
      (rule) =>
        !rule.error &&
        TCP_RULE_TYPES.has(rule.type) &&
        (rule.database ?? []).includes("replication") &&
        (rule.user_name ?? []).some((name) => name === "all" || name === user || name.startsWith("+")) &&
        addressMatches(rule, client),
    ) ?? null
  );
}

function hbaCheck(facts: ConfigFacts): ConfigCheck {
  const client = facts.clientAddress ?? "127.0.0.1";
  const cidr = `${client}/${isIP(client) === 6 ? 128 : 32}`;
  // pg_hba.conf takes a plain name as is; anything else in double quotes.
  const user = /^[a-z_][a-z0-9_]*$/.test(facts.currentUser) ? facts.currentUser : `"${facts.currentUser}"`;
  const line = `host replication ${user} ${cidr} scram-sha-256`;
  const fix = `# pg_hba.conf, above any line that would match first:\n${line}\n-- then:\n${RELOAD}`;
  const expected = `a host rule for database "replication" and role "${facts.currentUser}" from ${client} (pg_basebackup, pg_receivewal)`;
  if (facts.hba === null) {
    return {
      id: "pg_hba_replication",
      status: "warn",
      found: `pg_hba_file_rules is not readable by role "${facts.currentUser}", so this could not be checked (superusers may read it, or: GRANT SELECT ON pg_hba_file_rules TO ${sqlIdent(facts.currentUser)}; GRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO ${sqlIdent(facts.currentUser)};)`,
      expected,
      fix,
    };
  }
  const rule = firstReplicationRule(facts.hba, facts.currentUser, facts.clientAddress);
  if (!rule) return { id: "pg_hba_replication", status: "fail", found: "no rule allows it", expected, fix };
  const found =
    `line ${rule.line_number}: ${rule.type} ${(rule.database ?? []).join(",")} ${(rule.user_name ?? []).join(",")} ${rule.address ?? ""} ${rule.auth_method ?? ""}`.replace(
      / +/g,
      " ",
    );
  if (rule.auth_method === "reject" || rule.auth_method === "password") {
    // "password" would send it in cleartext, which Walden refuses.
    return { id: "pg_hba_replication", status: "fail", found, expected, fix };
  }
  return ok("pg_hba_replication", found, expected);
}

function rolePrivilegesCheck(facts: ConfigFacts): ConfigCheck {
  const { superuser, replication, pgMonitor } = facts.privileges;
  const role = sqlIdent(facts.currentUser);
  const found = superuser
    ? "superuser"
    : [
        replication ? "REPLICATION" : "no REPLICATION",
        pgMonitor ? "member of pg_monitor" : "not in pg_monitor",
      ].join(", ");
  const expected =
    "REPLICATION (base backups, WAL streaming) and pg_monitor (replication and archiver views)";
  if (superuser || (replication && pgMonitor)) return ok("role_privileges", found, expected);
  const fixes = [
    ...(replication ? [] : [`ALTER ROLE ${role} REPLICATION;`]),
    ...(pgMonitor ? [] : [`GRANT pg_monitor TO ${role};`]),
  ];
  return {
    id: "role_privileges",
    status: replication ? "warn" : "fail",
    found,
    expected,
    fix: fixes.join("\n"),
  };
}

/** Every check, in the order a DBA would fix them. Pure: unit-tested both ways per check. */
export function evaluateConfig(facts: ConfigFacts, expect: ConfigExpectations): ConfigCheck[] {
  return [
    walLevelCheck(facts),
    archiveModeCheck(facts, expect),
    archiveCommandCheck(facts, expect),
    archiveTimeoutCheck(facts, expect),
    maxWalSendersCheck(facts, expect),
    hbaCheck(facts),
    rolePrivilegesCheck(facts),
  ];
}

const settingsSql = `/* walden */ select name, setting from pg_settings where name = any($1::text[])`;
const hbaSql = `/* walden */ select line_number, type, database, user_name, address, netmask, auth_method, error
  from pg_hba_file_rules order by line_number`;
const INSUFFICIENT_PRIVILEGE = "42501";

/** Reads what evaluateConfig judges; the role and privileges come from the connection test's probe. */
export async function readConfigFacts(node: NodeConnection): Promise<ConfigFacts> {
  const report = await probeNode(node);
  try {
    return await withNodeClient(node, async (client) => {
      const settings = await client.query<{ name: string; setting: string }>(settingsSql, [
        [...SETTING_NAMES],
      ]);
      const clientAddress = await client.query<{ addr: string | null }>(
        "/* walden */ select host(inet_client_addr()) as addr",
      );
      const hba = await client.query<HbaRule>(hbaSql).then(
        (result) => result.rows,
        (error: { code?: string }) => {
          if (error.code === INSUFFICIENT_PRIVILEGE) return null;
          throw error;
        },
      );
      return {
        serverRole: report.role,
        currentUser: report.currentUser,
        privileges: report.privileges,
        settings: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
        hba,
        clientAddress: clientAddress.rows[0]?.addr ?? null,
      };
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw describeConnectionError(error, node);
  }
}

export async function checkNodeConfig(
  node: NodeConnection,
  expect: ConfigExpectations,
): Promise<NodeConfigReport> {
  const facts = await readConfigFacts(node);
  return {
    serverRole: facts.serverRole,
    currentUser: facts.currentUser,
    checks: evaluateConfig(facts, expect),
  };
}

/** Every registered node at once; one unreachable node does not hide the others' results. */
export async function checkRegisteredClusterConfig(
  clusterId: string,
): Promise<{ nodes: NodeConfigResult[] }> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const expect: ConfigExpectations = {
    archiveMode: cluster.archiveMode,
    archivePath: cluster.archivePath,
    rpoTargetSeconds: cluster.rpoTargetSeconds,
    standbyCount: cluster.nodes.filter((node) => node.role === "standby").length,
  };
  const nodes = await Promise.all(
    cluster.nodes.map((node): Promise<NodeConfigResult> =>
      perNodeResult(node, () => checkNodeConfig(nodeConnection(node), expect)),
    ),
  );
  return { nodes };
}

/** The register form's check of typed settings (it dials out, so each try is audited either way). */
export async function checkConfigSettings(
  actor: Actor,
  input: ConfigCheckInput,
  meta: RequestMeta,
): Promise<NodeConfigReport> {
  const target = { type: "host", id: `${input.node.host}:${input.node.port}` };
  const expect: ConfigExpectations = {
    archiveMode: input.archive.mode,
    archivePath: input.archive.path ?? (input.name ? defaultArchivePath(input.name) : null),
    rpoTargetSeconds: DEFAULT_RPO_TARGET_SECONDS,
    standbyCount: input.standbyCount,
  };
  try {
    const report = await checkNodeConfig(connectionFromInput(input.node), expect);
    await audit(actor, { action: "cluster.config_check", outcome: "success", target }, meta);
    return report;
  } catch (error) {
    await audit(
      actor,
      { action: "cluster.config_check", outcome: "failed", target, details: { error: String(error) } },
      meta,
    );
    throw error;
  }
}
