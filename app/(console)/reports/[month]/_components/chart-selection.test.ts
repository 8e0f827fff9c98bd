import { describe, expect, it } from "vitest";
import {
  clustersForDetail,
  DETAIL_SHOWN,
  distribution,
  ratioToTarget,
  TARGET_RATIO_EDGES,
  truncateLabel,
  WORST_SHOWN,
  worstRows,
} from "./chart-selection";

const fleet = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    label: `cluster-${String(index).padStart(3, "0")}`,
    // Every seventh cluster has no figure; the others grow with their index.
    gap: index % 7 === 3 ? null : index * 60,
  }));

describe("worstRows", () => {
  it("keeps a small fleet whole, in its order", () => {
    const rows = fleet(4);
    expect(worstRows(rows, (row) => row.gap)).toEqual({ shown: rows, hidden: 0, total: 4 });
  });

  it("draws the worst 10 of 100 clusters, worst first, never one without a figure", () => {
    const selection = worstRows(fleet(100), (row) => row.gap);
    expect(selection.shown).toHaveLength(WORST_SHOWN);
    expect(selection.hidden).toBe(90);
    expect(selection.total).toBe(100);
    expect(selection.shown.map((row) => row.label)).toEqual([
      "cluster-099",
      "cluster-098",
      "cluster-097",
      "cluster-096",
      "cluster-095",
      "cluster-093",
      "cluster-092",
      "cluster-091",
      "cluster-090",
      "cluster-089",
    ]);
  });

  it("breaks ties by name, so the same data always draws the same bars", () => {
    const rows = ["d", "a", "c", "b"].map((label) => ({ label, gap: 5 }));
    expect(worstRows(rows, (row) => row.gap, 2).shown.map((row) => row.label)).toEqual(["a", "b"]);
  });
});

describe("distribution", () => {
  it("counts every cluster once, in its band, and those without a figure apart", () => {
    const values = fleet(100).map((row) => ratioToTarget(row.gap, 3000));
    const { counts, missing } = distribution(values, TARGET_RATIO_EDGES);
    expect(counts.reduce((sum, count) => sum + count, 0) + missing).toBe(100);
    expect(missing).toBe(14);
    // gap / 3000 = index / 50: ≤ 0.5 is index ≤ 25, ≤ 1 is ≤ 50, ≤ 2 is the rest (max 99 → 1.98).
    expect(counts).toEqual([22, 22, 42, 0, 0]);
  });

  it("puts values above the last edge in the last band", () => {
    expect(distribution([0, 1, 9, 100], [1, 10])).toEqual({ counts: [2, 1, 1], missing: 0 });
  });
});

describe("truncateLabel", () => {
  it("cuts long names with an ellipsis and leaves short ones", () => {
    expect(truncateLabel("db")).toBe("db");
    expect(truncateLabel("payments-primary-eu-west-1", 14)).toBe("payments-prim…");
    expect([...truncateLabel("결제-데이터베이스-서울-리전-기본", 8)]).toHaveLength(8);
  });
});

describe("clustersForDetail", () => {
  const clusters = (count: number) =>
    Array.from({ length: count }, (_, index) => ({
      name: `c-${String(index).padStart(3, "0")}`,
      // Every tenth missed its RPO, every fifteenth its RTO; the rest met both or had no figure.
      rpo: { met: index % 10 === 9 ? false : index % 4 === 0 ? null : true },
      drills: { met: index % 15 === 14 ? false : true },
    }));

  it("keeps every cluster of a small fleet, in its order", () => {
    const picked = clustersForDetail(clusters(DETAIL_SHOWN));
    expect(picked.shown.map((c) => c.name)).toEqual(clusters(DETAIL_SHOWN).map((c) => c.name));
    expect(picked.hidden).toBe(0);
  });

  it("gives 100 clusters a dozen sections: missed RPO and RTO first, then missed RPO, then missed RTO", () => {
    const picked = clustersForDetail(clusters(100));
    expect(picked.shown).toHaveLength(DETAIL_SHOWN);
    expect(picked).toMatchObject({ hidden: 100 - DETAIL_SHOWN, total: 100 });
    const names = picked.shown.map((c) => c.name);
    // 29, 59 and 89 missed both; the other nine of x9 missed RPO only.
    expect(names.slice(0, 3)).toEqual(["c-029", "c-059", "c-089"]);
    expect(names.slice(3)).toEqual([
      "c-009",
      "c-019",
      "c-039",
      "c-049",
      "c-069",
      "c-079",
      "c-099",
      "c-014",
      "c-044",
    ]);
  });
});
