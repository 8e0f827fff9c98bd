import { expect, type Page } from "@playwright/test";
import { readSandboxJson } from "./sandbox";

export type RoleName = "admin" | "operator" | "viewer";

export function loginFor(role: RoleName) {
  const user = readSandboxJson().users.find((candidate) => candidate.role === role);
  if (!user) throw new Error(`sandbox.json has no ${role} user`);
  return user;
}

/** Signs in through the login form, as a person would. */
export async function signIn(page: Page, role: RoleName): Promise<void> {
  const { email, password } = loginFor(role);
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByText(email)).toBeVisible();
}
