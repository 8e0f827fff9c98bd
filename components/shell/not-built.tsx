import type { ReactNode } from "react";
import { Card, CardBody } from "@/components/ui/card";

/** An honest placeholder: the feature does not exist yet, so nothing here pretends it does. */
export function NotBuilt({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card>
      <CardBody className="flex gap-3">
        <span
          aria-hidden="true"
          className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold text-zinc-500"
        >
          i
        </span>
        <div className="text-sm">
          <h2 className="font-medium text-zinc-900">{title}</h2>
          <div className="mt-1 space-y-2 text-zinc-600">{children}</div>
        </div>
      </CardBody>
    </Card>
  );
}
