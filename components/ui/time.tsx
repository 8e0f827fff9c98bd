/** "2026-11-26 14:03 UTC" — every time in the console is shown in UTC so operators in different zones agree. */
export function formatUtc(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function Time({ value, empty = "—" }: { value: string | Date | null | undefined; empty?: string }) {
  if (!value) return <span className="text-zinc-400">{empty}</span>;
  const iso = typeof value === "string" ? value : value.toISOString();
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {formatUtc(value)}
    </time>
  );
}
