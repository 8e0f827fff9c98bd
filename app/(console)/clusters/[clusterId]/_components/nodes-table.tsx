import { HostPort } from "@/components/clusters/host-port";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { NodeSummary } from "@/lib/schemas/cluster";
import { SandboxFailover } from "./sandbox-failover";

export function NodesTable({ nodes }: { nodes: NodeSummary[] }) {
  return (
    <>
      <Table aria-label="Nodes">
        <THead>
          <tr>
            <TH>Name</TH>
            <TH>Role</TH>
            <TH>Host:port</TH>
            <TH>User</TH>
            <TH>Database</TH>
            <TH>TLS (sslmode)</TH>
            <TH>Password stored</TH>
          </tr>
        </THead>
        <TBody>
          {nodes.map((node) => (
            <TR key={node.id}>
              <TD className="font-medium">{node.name}</TD>
              <TD>
                <Badge tone={node.role === "primary" ? "accent" : "info"}>{node.role}</Badge>
              </TD>
              <TD>
                <HostPort host={node.host} port={node.port} />
              </TD>
              <TD>
                <code className="text-[13px]">{node.user}</code>
              </TD>
              <TD>
                <code className="text-[13px]">{node.database}</code>
              </TD>
              <TD>
                <code className="text-[13px]">{node.sslmode}</code>
                {node.hasSslRootCert ? <span className="ml-1 text-xs text-zinc-500">· CA stored</span> : null}
              </TD>
              <TD>{node.hasPassword ? "yes" : <span className="text-zinc-500">no</span>}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <SandboxFailover nodes={nodes.map((node) => node.name)} />
    </>
  );
}
