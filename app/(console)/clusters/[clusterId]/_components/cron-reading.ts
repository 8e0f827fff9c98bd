import cronstrue from "cronstrue";
// Registers cronstrue's Korean (a side effect; the package ships no types for its locale files).
import "cronstrue/locales/ko";

// A cron expression in words, in the reader's language, with the zone it fires in. The API's
// preview says it in English only (lib/schedules/preview.ts, for scripts and e-mails).

/** cronstrue's Korean says "시간 04:00, 일요일에만"; a Korean reader expects the day first, then the time. */
function koreanOrder(reading: string): string {
  const match = /^시간 (\d{2}:\d{2})(?:, (.+))?$/.exec(reading);
  if (!match) return reading;
  return match[2] ? `${match[2]} ${match[1]}` : `매일 ${match[1]}`;
}

/** "At 02:00 (UTC)" / "매일 02:00 (UTC)"; the expression itself when cronstrue cannot read it. */
export function cronReading(cron: string, timeZone: string, locale: string): string {
  const korean = locale === "ko";
  let reading = cron;
  try {
    reading = cronstrue.toString(cron, {
      use24HourTimeFormat: true,
      verbose: false,
      locale: korean ? "ko" : "en",
    });
    if (korean) reading = koreanOrder(reading);
  } catch {
    // cronstrue reads less than cron-parser accepts; the expression itself is still true.
  }
  return `${reading} (${timeZone})`;
}
