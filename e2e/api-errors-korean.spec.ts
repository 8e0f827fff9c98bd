import { expect, test, type Page } from "@playwright/test";
import { loginFor } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// Issue 16: a browser that asks for Korean reads the API's refusals in Korean where the forms
// show them: the sign-in form's wrong password, and the register form's name already taken,
// under the field it is about. (English callers read the same English as before: the pg test
// app/api/v1/clusters/errors-korean.pg.test.ts compares the bytes.) What the server found is
// Korean too: the configuration check's findings and the retention dry run's reasons.

test.use({ locale: "ko-KR" });

async function signInKorean(page: Page) {
  const { email, password } = loginFor("admin");
  await page.goto("/login");
  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(password);
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** English words the server's findings and reasons use; none may be left on a Korean page. */
const ENGLISH_FINDING =
  /\b(need it|needs|the folder|standby\(s\)|a host rule|no rule allows|member of|not in pg_monitor|recovery window|redundancy|verified-good|newest|pinned|used by|is kept|is not pruned)\b/;

test("a Korean admin reads the configuration check and the retention dry run in Korean", async ({ page }) => {
  await signInKorean(page);
  const cluster = readSandboxJson().clusters[0]!;
  await page.goto(`/clusters/${cluster.id}/settings`);

  const card = page.locator("[aria-labelledby='config-check-title']");
  await card.getByRole("button", { name: "실행" }).click();
  const checks = card.getByRole("list").first();
  const walLevel = checks.getByRole("listitem", { name: "wal_level", exact: true });
  await expect(walLevel).toContainText(
    "필요한 값: replica 또는 logical: 베이스 백업, WAL 아카이빙, 스탠바이에 모두 필요합니다",
  );
  const role = checks.getByRole("listitem", { name: "역할의 권한" });
  await expect(role).toContainText(/슈퍼유저|REPLICATION 있음/);
  await expect(role).toContainText(
    "REPLICATION(베이스 백업, WAL 스트리밍용)과 pg_monitor(복제·아카이버 뷰 조회용)",
  );
  await expect(checks.getByRole("listitem", { name: "pg_hba.conf의 복제 허용" })).toContainText(
    /"replication" 데이터베이스로 접속하도록 허용하는 host 규칙/,
  );
  expect(await checks.innerText()).not.toMatch(ENGLISH_FINDING);

  const retention = page.getByRole("region", { name: "보존", exact: true });
  await retention.getByRole("button", { name: "미리 보기" }).click();
  await expect(retention.getByText("미리 보기(실제로 지우지 않음)")).toBeVisible();
  await retention.getByText("보관하는 백업과 그 이유").click();
  const kept = retention.getByRole("table", { name: "보관하는 백업" });
  // The sandbox's first base backup is at least the newest one the minimum redundancy keeps.
  await expect(
    kept
      .getByRole("cell", {
        name: /최소 보관 개수\(\d+개 중 \d+번째\)|마지막으로 검증에 성공한 물리 백업|일 복구 기간 안|고정됨|에서 사용 중/,
      })
      .first(),
  ).toBeVisible();
  expect(await retention.innerText()).not.toMatch(ENGLISH_FINDING);
});

test("a Korean admin reads a wrong password and a name already taken in Korean", async ({ page }) => {
  const { email, password } = loginFor("admin");
  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");
  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("비밀번호").fill(`${password}-wrong`);
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page.getByText("이메일 또는 비밀번호가 틀렸거나 비활성화된 계정입니다")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("비밀번호").fill(password);
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page).not.toHaveURL(/\/login/);

  const sandbox = await sandboxInfo();
  const taken = readSandboxJson().clusters[0]!.name;
  await page.goto("/clusters/new");
  const form = page.getByRole("form", { name: "클러스터 등록" });
  await form.getByLabel("이름", { exact: true }).fill(taken);
  await form.getByLabel("호스트", { exact: true }).fill(sandbox.cluster.primary.host);
  await form.getByLabel("포트", { exact: true }).fill(String(sandbox.cluster.primary.port));
  await form.getByLabel("사용자", { exact: true }).fill(sandbox.cluster.primary.user);
  await form.getByLabel("비밀번호", { exact: true }).fill(sandbox.cluster.primary.password);
  await form.getByLabel("데이터베이스", { exact: true }).fill(sandbox.cluster.primary.database);
  await form.getByRole("button", { name: "클러스터 등록" }).click();
  // Under the name field (its error line), not only in the form's summary.
  const nameError = form.locator("p[id$='-error']", {
    hasText: `"${taken}" 클러스터가 이미 등록되어 있습니다`,
  });
  await expect(nameError).toBeVisible();
  await expect(page).toHaveURL(/\/clusters\/new/);
});
