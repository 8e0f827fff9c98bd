import { parseLsn } from "@/lib/replication/lsn";

/**
 * The primary's WAL position over time, as the sampler saw it. It answers "how long ago was
 * the primary where this standby is now?" — the lag in seconds that stays 0 on an idle,
 * caught-up standby (unlike now() - pg_last_xact_replay_timestamp()) and keeps growing for a
 * standby that stopped while the primary writes.
 */
export class LsnHistory {
  private readonly times: number[] = [];
  private readonly positions: bigint[] = [];

  constructor(private readonly keepMs = 48 * 3600_000) {}

  record(atMs: number, lsn: string): void {
    const position = parseLsn(lsn);
    const last = this.positions.at(-1);
    // Only changes matter for interpolation; an idle primary adds nothing.
    if (last !== undefined && position === last) {
      this.times[this.times.length - 1] = atMs;
      return;
    }
    this.times.push(atMs);
    this.positions.push(position);
    while (this.times.length > 2 && this.times[0]! < atMs - this.keepMs) {
      this.times.shift();
      this.positions.shift();
    }
  }

  get latest(): bigint | undefined {
    return this.positions.at(-1);
  }

  /** Seconds since the primary passed `lsn` (interpolated between samples); 0 when it has not. */
  secondsBehind(lsn: string, nowMs: number): number {
    const position = parseLsn(lsn);
    const count = this.positions.length;
    if (count === 0 || this.positions[count - 1]! <= position) return 0;
    // First sample strictly past the position (positions only grow, so binary search).
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.positions[mid]! > position) high = mid;
      else low = mid + 1;
    }
    if (low === 0) return (nowMs - this.times[0]!) / 1000; // older than what we remember: a lower bound
    const beforePosition = this.positions[low - 1]!;
    const afterPosition = this.positions[low]!;
    const beforeTime = this.times[low - 1]!;
    const afterTime = this.times[low]!;
    const fraction = Number(position - beforePosition) / Number(afterPosition - beforePosition);
    const passedAt = beforeTime + fraction * (afterTime - beforeTime);
    return Math.max(0, (nowMs - passedAt) / 1000);
  }

  /** Bytes per second over the last `windowMs`; null until two samples exist in it. */
  bytesPerSecond(nowMs: number, windowMs = 60_000): number | null {
    const count = this.times.length;
    if (count < 2) return null;
    let first = count - 1;
    while (first > 0 && this.times[first - 1]! >= nowMs - windowMs) first -= 1;
    if (first === count - 1) first = count - 2;
    const seconds = (nowMs - this.times[first]!) / 1000;
    if (seconds <= 0) return null;
    return Number(this.positions[count - 1]! - this.positions[first]!) / seconds;
  }
}
