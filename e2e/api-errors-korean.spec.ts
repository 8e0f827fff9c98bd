import { expect, test } from "@playwright/test";
import { loginFor } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// Issue 16: a browser that asks for Korean reads the API's refusals in Korean where the forms
// show them: the sign-in form's wrong password, and the register form's name already taken,
// under the field it is about. (English callers read the same English as before: the pg test
// app/api/v1/clusters/errors-korean.pg.test.ts compares the bytes.)

test.use({ locale: "ko-KR" });

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
