import { describe, expect, it } from "vitest";
import { listItem, settingLine, settingsBlock } from "./config-file";

describe("settingLine", () => {
  it("quotes strings, doubling quotes and escaping backslashes", () => {
    expect(settingLine("archive_command", `cp '%p' C:\\x`)).toBe(`archive_command = 'cp ''%p'' C:\\\\x'`);
  });

  it("writes numbers and booleans bare", () => {
    expect(settingLine("port", 5433)).toBe("port = 5433");
    expect(settingLine("hot_standby", true)).toBe("hot_standby = true");
  });
});

describe("settingsBlock", () => {
  it("titles the block and keeps the settings' order", () => {
    expect(settingsBlock("Walden sandbox", { port: 5433, cluster_name: "primary" })).toBe(
      "\n# Walden sandbox\nport = 5433\ncluster_name = 'primary'\n",
    );
  });
});

describe("listItem", () => {
  it("double-quotes a folder with a space or comma, and only then", () => {
    expect(listItem("/srv/run")).toBe("/srv/run");
    expect(listItem("/srv/my run")).toBe(`"/srv/my run"`);
    expect(listItem("/srv/a,b")).toBe(`"/srv/a,b"`);
  });
});
