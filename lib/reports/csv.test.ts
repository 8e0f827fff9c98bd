import { describe, expect, it } from "vitest";
import { neutralizeFormula, reportFileName } from "./csv";

describe("CSV helpers", () => {
  it("keeps cells a spreadsheet would evaluate as text", () => {
    expect(neutralizeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(neutralizeFormula("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(neutralizeFormula("-1+2")).toBe("'-1+2");
    expect(neutralizeFormula("main")).toBe("main");
    expect(neutralizeFormula(null)).toBeNull();
  });

  it("names the download after the month and the file-safe cluster name", () => {
    expect(reportFileName("2026-10", null, "csv")).toBe("walden-report-2026-10.csv");
    expect(reportFileName("2026-10", 'prod main/"eu"', "pdf")).toBe(
      "walden-report-2026-10-prod_main_eu_.pdf",
    );
  });
});
