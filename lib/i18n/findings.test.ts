import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { localizeIssue, localizeMessage } from "@/lib/i18n/api-errors";
import { planRetention, type RetentionCandidate } from "@/lib/backup/retention-plan";
import {
  evaluateConfig,
  type ConfigExpectations,
  type ConfigFacts,
  type HbaRule,
} from "@/lib/clusters/config-check";
import {
  englishDurationSeconds,
  findingText,
  readFinding,
  type FindingArea,
  type FindingTranslator,
} from "@/lib/i18n/findings";
import { messagesFor } from "@/lib/i18n/messages";
import type { Locale } from "@/lib/i18n/locales";
import { chromiumMissingMessage } from "@/lib/reports/respond";
import { stepsWarning } from "@/lib/restore/planner-timelines";
import { formatFor } from "@/components/ui/format";

// The page says what the server found in the reader's language (lib/i18n/findings.ts). These
// tests run the real producers and hold their English to the catalog: an English sentence the
// catalog no longer matches (a producer reworded) fails here instead of staying English in Korean.

const translator = (locale: Locale) =>
  createTranslator({
    locale,
    messages: messagesFor(locale),
    namespace: "findings",
  }) as unknown as FindingTranslator;
const en = translator("en");
const ko = translator("ko");
const koSeconds = (value: string) => {
  const seconds = englishDurationSeconds(value);
  return seconds === null ? value : formatFor("ko").formatSeconds(seconds);
};
const say = (area: FindingArea, text: string, locale: Locale = "ko") =>
  findingText(locale === "ko" ? ko : en, area, text, null, locale === "ko" ? koSeconds : undefined);
const HANGUL = /[\uac00-\ud7a3]/;

const rule = (overrides: Partial<HbaRule> = {}): HbaRule => ({
  line_number: 3,
  type: "host",
  database: ["replication"],
  user_name: ["all"],
  address: "127.0.0.1",
  netmask: "255.255.255.255",
  auth_method: "scram-sha-256",
  error: null,
  ...overrides,
});

const facts = (settings: ConfigFacts["settings"], more: Partial<ConfigFacts> = {}): ConfigFacts => ({
  serverRole: "primary",
  currentUser: "walden",
  privileges: { superuser: false, replication: true, pgMonitor: true },
  settings: {
    wal_level: "replica",
    archive_mode: "on",
    archive_library: "",
    archive_timeout: "60",
    ...settings,
  },
  hba: [rule()],
  clientAddress: "127.0.0.1",
  ...more,
});

const archive: ConfigExpectations = {
  archiveMode: "archive_command",
  archivePath: "/a",
  rpoTargetSeconds: 3600,
  standbyCount: 1,
};

/** Nodes that between them take every branch of every check. */
const nodes: [ConfigFacts, ConfigExpectations][] = [
  [facts({ archive_command: "cp %p /a/%f", max_wal_senders: "10" }), archive],
  [
    facts(
      {
        wal_level: "minimal",
        archive_mode: "off",
        archive_command: "(disabled)",
        archive_timeout: "0",
        max_wal_senders: "0",
      },
      { hba: null, privileges: { superuser: false, replication: false, pgMonitor: false } },
    ),
    archive,
  ],
  [
    facts(
      { archive_command: "", archive_timeout: "7200", max_wal_senders: "2" },
      {
        hba: [rule({ auth_method: "reject" })],
        privileges: { superuser: false, replication: true, pgMonitor: false },
      },
    ),
    archive,
  ],
  [
    facts(
      { archive_command: "cp %p /b/%f", archive_library: "basic_archive", max_wal_senders: "10" },
      { hba: [], privileges: { superuser: false, replication: false, pgMonitor: true } },
    ),
    archive,
  ],
  [
    facts(
      { archive_timeout: undefined },
      { privileges: { superuser: true, replication: true, pgMonitor: true } },
    ),
    archive,
  ],
  [facts({ archive_command: "x" }), { ...archive, archivePath: null }],
  [facts({}), { ...archive, archiveMode: "stream", archivePath: null }],
];

describe("configuration-check findings", () => {
  const texts = [
    ...new Set(
      nodes.flatMap(([node, expect]) =>
        evaluateConfig(node, expect).flatMap((check) => [check.found, check.expected, check.fix ?? ""]),
      ),
    ),
  ].filter(Boolean);

  it("reads back every worded finding, and only the server's raw values stay as they are", () => {
    const raw = texts.filter((text) => !readFinding("configCheck", text));
    // Setting values and commands as the server has them, and SQL without words around it.
    expect(raw.every((text) => !HANGUL.test(say("configCheck", text)))).toBe(true);
    expect(raw.filter((text) => !/^(ALTER|GRANT|SELECT)\b/.test(text))).toEqual([
      "replica",
      "on",
      "cp %p /a/%f",
      "10",
      "minimal",
      "off",
      "0",
      "2",
      "x",
      "60 s",
    ]);
  });

  it("renders each one from the English catalog exactly as the server wrote it", () => {
    for (const text of texts) expect(say("configCheck", text, "en")).toBe(text);
  });

  it("says them in Korean with their figures, durations in Korean units", () => {
    const worded = texts.filter((text) => readFinding("configCheck", text));
    expect(worded.length).toBeGreaterThan(25);
    for (const text of worded) expect(say("configCheck", text)).toMatch(HANGUL);
    const [timeout] = evaluateConfig(...nodes[2]!).filter((check) => check.id === "archive_timeout");
    expect(say("configCheck", timeout!.found)).toBe(
      "2시간: 커밋된 데이터가 최대 그만큼 아카이브에 빠져 있을 수 있습니다",
    );
    const [mode] = evaluateConfig(...nodes[1]!).filter((check) => check.id === "archive_mode");
    expect(say("configCheck", mode!.fix!)).toBe(
      "ALTER SYSTEM SET archive_mode = 'on';\n-- 재시작 필요: archive_mode 설정은 PostgreSQL을 재시작해야 적용됩니다(예: pg_ctl restart, systemctl restart postgresql)",
    );
    const [library] = evaluateConfig(...nodes[3]!).filter((check) => check.id === "archive_command");
    expect(say("configCheck", library!.found)).toBe(
      "archive_library = 'basic_archive' (archive_command 대신 이 라이브러리가 쓰임)",
    );
  });
});

describe("retention reasons", () => {
  const day = 86_400_000;
  const now = new Date("2026-12-04T12:00:00Z");
  const backup = (
    id: string,
    daysAgo: number,
    more: Partial<RetentionCandidate> = {},
  ): RetentionCandidate => ({
    id,
    kind: "physical",
    finishedAt: new Date(now.getTime() - daysAgo * day),
    pinned: false,
    startWal: `0000000100000000000000${String(10 + daysAgo).padStart(2, "0")}`,
    verification: "good",
    usedBy: [],
    ...more,
  });
  const policy = {
    recoveryWindowDays: 7,
    minRedundancy: 2,
    logicalKeep: 1,
    keepDaily: 0,
    keepWeekly: 0,
    keepMonthly: 0,
    keepYearly: 0,
  };
  const candidates = [
    backup("newest", 1),
    backup("second", 3, { verification: "unverified" }),
    backup("in-window", 5, { verification: "unverified" }),
    backup("base", 9),
    backup("old", 20),
    backup("pinned", 30, { pinned: true }),
    backup("used", 40, { usedBy: [{ restoreId: "r1", status: "running", purpose: "drill" }] }),
    backup("broken", 2, { verification: "failed", verifiedAt: new Date(now.getTime() - day) }),
    backup("broken-unknown", 2, { verification: "failed", verifiedAt: null }),
    backup("dump", 1, { kind: "logical" }),
    backup("old-dump", 4, { kind: "logical" }),
  ];
  const plan = planRetention(policy, candidates, now);
  const tiered = planRetention({ ...policy, keepDaily: 1 }, candidates, now);
  const decisions = [...plan.keep, ...plan.expire, ...tiered.expire];

  it("carries a code for every reason, whose English message is the reason as the API words it", () => {
    expect(new Set(decisions.map((decision) => decision.reasonCode))).toEqual(
      new Set([
        "keep.pinned",
        "keep.usedBy",
        "keep.lastGood",
        "keep.minRedundancy",
        "keep.window",
        "keep.windowBase",
        "keep.logical",
        "expire.verificationFailedAt",
        "expire.verificationFailed",
        "expire.physical",
        "expire.physicalTiers",
        "expire.logical",
      ]),
    );
    for (const decision of decisions) {
      const coded = { code: decision.reasonCode!, params: decision.reasonParams };
      expect(findingText(en, "retention", "(English)", coded)).toBe(decision.reason);
    }
  });

  it("says each reason in Korean", () => {
    const korean = Object.fromEntries(
      decisions.map((decision) => [
        decision.id,
        findingText(ko, "retention", decision.reason, {
          code: decision.reasonCode!,
          params: decision.reasonParams,
        }),
      ]),
    );
    expect(korean.used).toBe("복원 훈련 r1에서 사용 중(실행 중)");
    expect(korean.second).toBe("최소 보관 개수(2개 중 2번째)");
    expect(korean["in-window"]).toBe("7일 복구 기간 안");
    expect(korean.old).toBe(
      "복구 기간의 베이스 백업보다 오래됐고 최신 2개에도, 일·주·월·연 단위 보관 대상에도 들지 않음",
    );
    for (const text of Object.values(korean)) expect(text).toMatch(HANGUL);
  });

  it("says why WAL is left alone", () => {
    expect(say("retention.skipped", "no physical backup is kept, so all archived WAL is kept")).toBe(
      "보존하는 물리 백업이 없어 아카이브된 WAL을 모두 보존합니다",
    );
    expect(
      say(
        "retention.skipped",
        "the archive (/srv/wal) is outside WALDEN_HOME; Walden does not delete files it does not own",
      ),
    ).toContain("아카이브(/srv/wal)가 WALDEN_HOME 밖에 있습니다");
  });
});

/** The outcomes the schedulers write, as written in their source, each `${…}` a figure. */
function storedOutcomes(): string[] {
  const files = ["lib/schedules/worker.ts", "lib/schedules/verify.ts", "lib/restore/drills.ts"];
  return files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/(?:outcome = |message = |lastOutcome: )`([^`]*)`/g)].map(
      (match) =>
        // A nested template (the plural "s") becomes its longer form; any other figure becomes "X1".
        match[1]!.replace(/\$\{[^}]*\? "" : "s"\}/g, "s").replace(/\$\{[^}]*\}/g, "X1"),
    ),
  );
}

describe("schedule outcomes (stored English)", () => {
  it("has a message for every outcome the schedulers store", () => {
    const outcomes = storedOutcomes().filter((text) => !text.startsWith("could not queue"));
    expect(outcomes.length).toBeGreaterThanOrEqual(9);
    expect(outcomes.filter((text) => !HANGUL.test(say("schedule", text)))).toEqual([]);
  });

  it("reads the outcomes the schedulers store", () => {
    expect(say("schedule", "started 6f1c")).toBe("시작함: 6f1c");
    expect(say("schedule", "skipped: the previous run (6f1c) was still running")).toBe(
      "건너뜀: 이전 실행(6f1c)이 아직 진행 중이었습니다",
    );
    expect(say("schedule", "queued 3 verifications")).toBe("검증 3건을 큐에 넣음");
    expect(say("schedule", "queued 1 verification")).toBe("검증 1건을 큐에 넣음");
    expect(say("schedule", "failed: could not queue backup.run: connection refused")).toBe(
      "실패: backup.run 작업을 큐에 넣지 못했습니다: connection refused",
    );
    expect(say("schedule", "not started: no backup to drill")).toBe("시작하지 못함: no backup to drill");
    expect(say("schedule", "something new")).toBe("something new");
    expect(say("schedule", "started 6f1c", "en")).toBe("started 6f1c");
  });
});

/** String and template literals of `file` that begin with one of `starts`, each `${…}` a figure. */
function literals(file: string, starts: RegExp): string[] {
  return [...readFileSync(file, "utf8").matchAll(/(["`])((?:(?!\1)[^\\]|\\.)*)\1/g)]
    .map((match) => match[2]!.replace(/\$\{(?:[^{}]|\{[^}]*\})*\}/g, "X1").replace(/\\"/g, '"'))
    .filter((text) => starts.test(text));
}

describe("restore plan warnings and the copy it reads", () => {
  it("has a message for every warning and copy choice the planner words", () => {
    const warnings = literals(
      "lib/restore/planner.ts",
      /^(The archive continues|Archive coverage|X1 other restore points)/,
    );
    expect(warnings).toHaveLength(3);
    const sources = [
      ...literals("lib/restore/plan-service.ts", /^(asked for|the local)/),
      ...literals("lib/restore/offsite-source.ts", /^(asked for|the local)/),
    ];
    expect(sources.length).toBeGreaterThanOrEqual(8);
    const english = [
      ...warnings.filter((text) => !HANGUL.test(say("planner.warnings", text))),
      // "is not whole" and "is not on disk" are refusals of the field (the API's error), not reasons.
      ...sources.filter(
        (text) => !/is not (whole|on disk)/.test(text) && !HANGUL.test(say("planner.source", text)),
      ),
    ];
    expect(english).toEqual([]);
  });

  it("says the planner's warnings in Korean", () => {
    const crossing = stepsWarning(
      [
        { timeline: 1, switchLsn: null },
        { timeline: 2, switchLsn: "0/3000060" },
      ],
      "0/3000100",
      "latest",
    )!;
    expect(say("planner.warnings", crossing, "en")).toBe(crossing);
    expect(say("planner.warnings", crossing)).toBe(
      "LSN 0/3000100 지점은 타임라인 분기 지점(0/3000060, 타임라인 1 → 2) 이후라서 타임라인 2에서 재생됩니다. 전환 뒤 타임라인 1에 남은 내용(이전 프라이머리의 마지막 쓰기)을 복원하려면 타임라인 값으로 1을(를) 지정하세요.",
    );
    expect(say("planner.warnings", 'The archive continues on timeline 2; "current" stays on 1.')).toBe(
      '아카이브는 타임라인 2에서 이어지지만, "current"는 타임라인 1에 머뭅니다.',
    );
    expect(
      say(
        "planner.warnings",
        "2 other restore points share this name; recovery stops at the first one it replays.",
      ),
    ).toMatch(/^같은 이름의 복원 지점이 2개 더 있습니다/);
  });

  it("says why a copy was chosen", () => {
    expect(say("planner.source", "the local copy is whole")).toBe("로컬 사본이 온전함");
    expect(say("planner.source", "the local copy of backup 1a2b is gone")).toBe(
      "백업 1a2b의 로컬 사본이 없음",
    );
    expect(say("planner.source", "asked for the offsite copy at s3://b/p")).toBe(
      "오프사이트 사본(s3://b/p)을 지정함",
    );
  });
});

describe("single sign-on discovery failures", () => {
  it("says an issuer's discovery failure in Korean, the library's reason as it is", () => {
    const english =
      "Discovery of http://127.0.0.1:9/realms/x failed: fetch failed (connect ECONNREFUSED 127.0.0.1:9)";
    expect(localizeMessage("ko", english, undefined)).toBe(
      "http://127.0.0.1:9/realms/x의 디스커버리 문서를 가져오지 못했습니다: fetch failed (connect ECONNREFUSED 127.0.0.1:9)",
    );
    expect(localizeIssue("ko", "discovery failed: fetch failed")).toBe("디스커버리 실패: fetch failed");
    expect(localizeMessage("en", english, undefined)).toBe(english);
  });
});

describe("the PDF report without Chromium", () => {
  it("says what to install in Korean", () => {
    const english = chromiumMissingMessage("/usr/bin/chromium");
    expect(localizeMessage("ko", english, undefined)).toBe(
      "워커 호스트의 /usr/bin/chromium에 Chromium이 설치되어 있지 않습니다. PDF 보고서는 헤드리스 Chromium으로 인쇄하므로, Chromium을 설치하거나(Debian: sudo apt-get install chromium) WALDEN_CHROMIUM_PATH에 실행 파일 경로를 지정한 뒤 다시 요청하세요. JSON과 CSV는 Chromium 없이도 받을 수 있습니다.",
    );
    expect(localizeMessage("en", english, undefined)).toBe(english);
  });
});
