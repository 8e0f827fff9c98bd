"use client";

import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

/**
 * A Settings-tab card that shows its settings to everyone and, for an admin, swaps them for
 * their form on Edit; "saved" is said once the form reports a change. The view brings its own
 * body (a description list in a CardBody, or a full-width table).
 */
export function EditableSettingsCard({
  id,
  title,
  description,
  canEdit,
  labels,
  form,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  canEdit: boolean;
  labels: { edit: string; saved: string };
  /** The editor; it calls onDone(changed) when saved or cancelled. */
  form: (onDone: (changed: boolean) => void) => ReactNode;
  children: ReactNode;
}) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);

  return (
    <Card aria-labelledby={id}>
      <CardHeader
        id={id}
        title={title}
        description={description}
        actions={
          canEdit && !editing ? (
            <Button
              size="sm"
              onClick={() => {
                setEditing(true);
                setSaved(false);
              }}
            >
              {labels.edit}
            </Button>
          ) : null
        }
      />
      {editing ? (
        <CardBody>
          {form((changed) => {
            setEditing(false);
            setSaved(changed);
          })}
        </CardBody>
      ) : (
        <>
          {children}
          {saved ? (
            <p role="status" className="px-4 pb-3 text-xs text-emerald-800">
              {labels.saved}
            </p>
          ) : null}
        </>
      )}
    </Card>
  );
}
