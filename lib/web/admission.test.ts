import { describe, expect, it } from "vitest";
import { createAdmission } from "@/lib/web/admission";

describe("createAdmission", () => {
  it("works on at most `limit` requests at once and starts the waiting ones first come, first served", () => {
    const admission = createAdmission(2);
    const started: number[] = [];
    const releases: (() => void)[] = [];
    for (let request = 1; request <= 5; request++)
      admission.admit((release) => {
        started.push(request);
        releases.push(release);
      });
    expect(started).toEqual([1, 2]);
    expect(admission.counts()).toEqual({ running: 2, waiting: 3 });

    releases[1]!(); // request 2 answered
    releases[1]!(); // a second call (close after finish) changes nothing
    expect(started).toEqual([1, 2, 3]);
    expect(admission.counts()).toEqual({ running: 2, waiting: 2 });

    releases[0]!();
    releases[2]!();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    releases[3]!();
    releases[4]!();
    expect(admission.counts()).toEqual({ running: 0, waiting: 0 });
  });

  it("lets a request released at once (its client left while waiting) make way for the next", () => {
    const admission = createAdmission(1);
    const started: string[] = [];
    let first: () => void = () => {};
    admission.admit((release) => {
      started.push("a");
      first = release;
    });
    admission.admit((release) => {
      started.push("gone");
      release();
    });
    admission.admit(() => started.push("c"));
    first();
    expect(started).toEqual(["a", "gone", "c"]);
    expect(admission.counts()).toEqual({ running: 1, waiting: 0 });
  });
});
