"use client";

import { useTranslations } from "next-intl";
import { ArchiverPanel } from "@/components/replication/archiver-panel";
import { EventsList } from "@/components/replication/events-list";
import { LagHistory } from "@/components/replication/lag-history";
import { PrimaryStrip } from "@/components/replication/primary-strip";
import { SlotsTable } from "@/components/replication/slots-table";
import { StandbyCard } from "@/components/replication/standby-card";
import { Topology } from "@/components/replication/topology";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader, EmptyState } from "@/components/ui/card";
import { formatUtcSeconds } from "@/components/ui/format";
import { errorMessage } from "@/lib/client/fetcher";
import {
  useReplicationEvents,
  useReplicationSnapshot,
  type LiveReplicationSnapshot,
} from "@/lib/client/use-replication";

function EventsCard({ clusterId }: { clusterId: string }) {
  const t = useTranslations("cluster.replication.view");
  const events = useReplicationEvents(clusterId, "24h");
  return (
    <Card aria-labelledby="events-title">
      <CardHeader id="events-title" title={t("eventsTitle")} description={t("eventsDescription")} />
      {events.isError ? (
        <CardBody>
          <Alert tone="error">{errorMessage(events.error)}</Alert>
        </CardBody>
      ) : events.data ? (
        <EventsList events={events.data} />
      ) : (
        <div aria-busy="true" className="h-16 animate-pulse bg-zinc-50" />
      )}
    </Card>
  );
}

/**
 * Everything live about one cluster's replication, from one snapshot polled every second; the
 * server render hands over the first one so the page is complete before any JavaScript runs.
 */
export function ReplicationView({
  clusterId,
  initialSnapshot,
}: {
  clusterId: string;
  initialSnapshot: LiveReplicationSnapshot | null;
}) {
  const t = useTranslations("cluster.replication.view");
  const query = useReplicationSnapshot(clusterId, initialSnapshot);
  const snapshot = query.data;

  if (!snapshot) {
    return (
      <Card aria-labelledby="replication-title">
        <CardHeader id="replication-title" title={t("title")} />
        <CardBody>
          {query.isError ? (
            <Alert tone="warning" title={t("noData")}>
              {errorMessage(query.error)}
            </Alert>
          ) : (
            <div aria-busy="true" className="h-24 animate-pulse rounded bg-zinc-50" />
          )}
        </CardBody>
      </Card>
    );
  }

  const now = snapshot.sampledAt;
  return (
    <>
      <Card aria-labelledby="replication-title">
        <CardHeader
          id="replication-title"
          title={t("title")}
          description={t("description", { seconds: snapshot.intervalSeconds })}
        />
        <CardBody className="space-y-4">
          {query.isError ? (
            <Alert tone="warning" title={t("refreshFailed")}>
              {errorMessage(query.error)} {t("showingSample", { at: formatUtcSeconds(snapshot.sampledAt) })}
            </Alert>
          ) : null}
          <PrimaryStrip snapshot={snapshot} stale={snapshot.stale} />
          <Topology snapshot={snapshot} />
        </CardBody>
      </Card>

      <section aria-labelledby="standbys-title" className="space-y-3">
        <h2 id="standbys-title" className="text-sm font-semibold text-zinc-900">
          {t("standbys")} <span className="font-normal text-zinc-500">({snapshot.standbys.length})</span>
        </h2>
        {snapshot.standbys.length === 0 ? (
          <Card>
            <EmptyState title={t("noStandbys")} />
          </Card>
        ) : (
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            {snapshot.standbys.map((standby) => (
              <StandbyCard key={standby.name} standby={standby} now={now} />
            ))}
          </div>
        )}
      </section>

      <LagHistory clusterId={clusterId} standbys={snapshot.standbys.map((standby) => standby.name)} />

      <Card aria-labelledby="slots-title">
        <CardHeader id="slots-title" title={t("slotsTitle")} description={t("slotsDescription")} />
        <SlotsTable slots={snapshot.slots} now={now} />
      </Card>

      <Card aria-labelledby="archiver-title">
        <CardHeader id="archiver-title" title={t("archiverTitle")} description={t("archiverDescription")} />
        <CardBody>
          <ArchiverPanel archiver={snapshot.archiver} now={now} />
        </CardBody>
      </Card>

      <EventsCard clusterId={clusterId} />
    </>
  );
}
