import { expect, test, type Page } from "@playwright/test";
import { consoleRoutes, fillRoute, routeParams, ROUTE_PARAMS_TIMEOUT } from "./console-routes";
import { signIn } from "./helpers";

// Every console page on a phone (390×844) and a desktop (1440×900), in light and dark: the page
// never scrolls sideways (wide tables scroll inside their card), the phone's navigation is a menu
// that opens, navigates and closes, and dark mode follows the system or the toggle, from the
// server's first byte.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
/** What sticks out past the viewport's right edge outside any sideways scroller (for the message). */
async function sidewaysOverflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    // Whether a scroller between the element and its containing block clips it: an absolutely
    // placed element escapes every scroller below its nearest positioned ancestor.
    const inScroller = (element: Element) => {
      const position = getComputedStyle(element).position;
      if (position === "fixed") return false;
      const start =
        position === "absolute" && element instanceof HTMLElement
          ? element.offsetParent
          : element.parentElement;
      for (let parent = start; parent; parent = parent.parentElement) {
        const overflowX = getComputedStyle(parent).overflowX;
        if (overflowX === "auto" || overflowX === "scroll" || overflowX === "hidden") return true;
      }
      return false;
    };
    const sticksOut = (element: Element) =>
      element.getBoundingClientRect().right > width + 1 && !inScroller(element);
    const culprits =
      scrollWidth > width
        ? [...document.body.querySelectorAll("*")]
            .filter((element) => sticksOut(element) && ![...element.children].some(sticksOut))
            .slice(0, 5)
            .map(
              (element) =>
                `<${element.tagName.toLowerCase()} class="${element.getAttribute("class") ?? ""}">`,
            )
        : [];
    return { width, scrollWidth, culprits };
  });
}

/** The page's background as it is painted: dark mode's is dark, light mode's light. */
async function backgroundLightness(page: Page): Promise<number> {
  return page.evaluate(() => {
    const probe = document.createElement("canvas").getContext("2d")!;
    probe.fillStyle = getComputedStyle(document.body).backgroundColor;
    probe.fillRect(0, 0, 1, 1);
    const [red, green, blue] = probe.getImageData(0, 0, 1, 1).data;
    return (0.2126 * red! + 0.7152 * green! + 0.0722 * blue!) / 255;
  });
}

let params: Record<string, string>;

test.beforeAll(async () => {
  test.setTimeout(ROUTE_PARAMS_TIMEOUT);
  params = await routeParams();
});

test("the route list covers the console", () => {
  const routes = consoleRoutes();
  for (const expected of [
    "/",
    "/clusters/[clusterId]",
    "/clusters/[clusterId]/backups",
    "/clusters/[clusterId]/restores",
    "/clusters/[clusterId]/alerts",
    "/clusters/[clusterId]/settings",
    "/backups/[backupId]/runbook",
    "/reports/[month]",
  ]) {
    expect(routes).toContain(expected);
  }
  expect(routes.length).toBeGreaterThanOrEqual(23);
});

for (const [viewportName, viewport] of [
  ["phone", PHONE],
  ["desktop", DESKTOP],
] as const) {
  for (const scheme of ["light", "dark"] as const) {
    test(`every console page at ${viewport.width}×${viewport.height} (${viewportName}) in ${scheme} mode has no sideways page scroll`, async ({
      page,
    }) => {
      const routes = consoleRoutes();
      test.setTimeout(routes.length * 15_000);
      await page.emulateMedia({ colorScheme: scheme });
      await signIn(page, "admin");
      await page.setViewportSize(viewport);

      for (const route of routes) {
        const url = fillRoute(route, params);
        await test.step(url, async () => {
          const response = await page.goto(url);
          expect(response?.status(), url).toBe(200);
          await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
          await page.waitForLoadState("networkidle");

          const overflow = await sidewaysOverflow(page);
          expect
            .soft(
              overflow.scrollWidth,
              `${url} scrolls sideways; sticking out: ${overflow.culprits.join(" ")}`,
            )
            .toBeLessThanOrEqual(overflow.width);

          // No theme chosen: the system's preference decides.
          await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
          const lightness = await backgroundLightness(page);
          if (scheme === "dark") expect(lightness, url).toBeLessThan(0.2);
          else expect(lightness, url).toBeGreaterThan(0.9);

          const nav = page.getByRole("navigation", { name: "Main" });
          const menuButton = page.getByRole("button", { name: "Menu" });
          if (viewportName === "phone") {
            // The navigation waits behind the Menu button and covers neither the header nor the page.
            await expect(nav).toBeHidden();
            await expect(menuButton).toBeVisible();
            const header = await page.locator("header").first().boundingBox();
            const heading = await page.getByRole("heading", { level: 1 }).first().boundingBox();
            expect(heading!.y).toBeGreaterThanOrEqual(header!.y + header!.height);
          } else {
            await expect(nav).toBeVisible();
            await expect(menuButton).toBeHidden();
          }
        });
      }
    });
  }
}

test("on a phone the menu opens, navigates and closes", async ({ page }) => {
  await signIn(page, "admin");
  await page.setViewportSize(PHONE);
  await page.goto("/");

  const menuButton = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();

  await menuButton.click();
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  // The keyboard moves into the menu (it comes before the page in the DOM).
  await expect(page.locator("#console-menu a").first()).toBeFocused();
  // The open menu fits the phone's width.
  expect((await nav.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);

  await nav.getByRole("link", { name: "Backups" }).click();
  await expect(page).toHaveURL(/\/backups$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Backups");
  await expect(nav).toBeHidden();
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");

  // Escape closes it too, and so does a tap beside it.
  await menuButton.click();
  await expect(nav).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menuButton).toBeFocused();
  await menuButton.click();
  await expect(nav).toBeVisible();
  await page.mouse.click(PHONE.width - 20, PHONE.height / 2);
  await expect(nav).toBeHidden();

  // The current page is marked in the menu.
  await menuButton.click();
  await expect(nav.getByRole("link", { name: "Backups" })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "Clusters" }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(nav).toBeHidden();
});

test("on a phone a dialog fits the screen and its buttons are in reach", async ({ page }) => {
  await signIn(page, "admin");
  await page.setViewportSize(PHONE);
  await page.goto(`/clusters/${params.clusterId}/settings`);
  // Opening the typed confirmation deletes nothing; Cancel leaves it.
  await page.getByRole("button", { name: "Delete registration" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
  const cancel = dialog.getByRole("button", { name: "Cancel" });
  await cancel.scrollIntoViewIfNeeded();
  await expect(cancel).toBeInViewport();
  await cancel.click();
  await expect(dialog).toBeHidden();
});

test("the theme toggle overrides the system and is kept for this browser from the first byte", async ({
  page,
  context,
}) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, "admin");
  await page.setViewportSize(DESKTOP);
  await page.goto("/clusters");
  const toggle = page.getByRole("group", { name: "Theme" });
  await expect(toggle.getByRole("button", { name: "System" })).toHaveAttribute("aria-pressed", "true");
  expect(await backgroundLightness(page)).toBeGreaterThan(0.9);

  await toggle.getByRole("button", { name: "Dark" }).click();
  await expect(toggle.getByRole("button", { name: "Dark" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await backgroundLightness(page)).toBeLessThan(0.2);
  const cookie = (await context.cookies()).find((candidate) => candidate.name === "walden_theme");
  expect(cookie?.value).toBe("dark");

  // The server renders the chosen theme itself: no light page first, then a switch.
  const html = await (await page.request.get("/clusters")).text();
  expect(html).toMatch(/<html[^>]*data-theme="dark"/);
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await backgroundLightness(page)).toBeLessThan(0.2);
  // Paper stays light (the report's PDF is printed the same way).
  await page.emulateMedia({ media: "print" });
  expect(await backgroundLightness(page)).toBeGreaterThan(0.9);
  await page.emulateMedia({ media: "screen" });

  // On a phone the toggle is in the menu; light wins over a dark system.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize(PHONE);
  await page.getByRole("button", { name: "Menu" }).click();
  await toggle.getByRole("button", { name: "Light" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  expect(await backgroundLightness(page)).toBeGreaterThan(0.9);

  // Back to the system's choice, which is dark now.
  await toggle.getByRole("button", { name: "System" }).click();
  expect(await backgroundLightness(page)).toBeLessThan(0.2);
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
});
