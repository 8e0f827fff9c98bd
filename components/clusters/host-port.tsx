/** host:port, with IPv6 literals bracketed the way PostgreSQL users write them. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function HostPort({ host, port }: { host: string; port: number }) {
  return <code className="font-mono text-[13px] text-zinc-800">{hostPort(host, port)}</code>;
}
