"use client";

import { useEffect } from "react";

// Sets data-report-ready="true" on the report once every chart box holds its svg: the PDF
// renderer (lib/reports/pdf.ts) waits for it before printing, so no chart is printed half-drawn.
export function ReportReady({ rootId }: { rootId: string }) {
  useEffect(() => {
    const root = document.getElementById(rootId);
    if (!root) return;
    let frame = 0;
    const check = () => {
      const boxes = [...root.querySelectorAll("[data-report-chart]")];
      if (boxes.every((box) => box.querySelector(".recharts-wrapper > svg.recharts-surface"))) {
        root.dataset.reportReady = "true";
        return;
      }
      frame = window.requestAnimationFrame(check);
    };
    check();
    return () => window.cancelAnimationFrame(frame);
  }, [rootId]);
  return null;
}
