/**
 * FRR and Quagga print ages with `frrtime_to_interval`-style formats: `HH:MM:SS` under a day,
 * `XdHHhMMm` under a week, `XXwXdHHh` beyond, and `never` for a peer that never came up. The
 * coarser forms drop seconds (and minutes), so parsing gives the start of the interval.
 */

const HMS = /^(\d{2}):(\d{2}):(\d{2})$/;
const DHM = /^(\d+)d(\d{2})h(\d{2})m$/;
const WDH = /^(\d+)w(\d)d(\d{2})h$/;

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

// Tables repeat the same few ages thousands of times; remembering them keeps big parses cheap.
const memo = new Map<string, number | null | undefined>();
const MEMO_LIMIT = 4096;

/** Seconds, `null` for `never`, `undefined` when the text is not an uptime at all. */
export function parseUptime(text: string): number | null | undefined {
  const quick = hmsSeconds(text);
  if (quick !== undefined) return quick;
  const known = memo.get(text);
  if (known !== undefined || memo.has(text)) return known;
  const value = parseUptimeUncached(text);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, value);
  return value;
}

/**
 * `HH:MM:SS` read digit by digit: the form of every age under a day, so a fresh table's ages are
 * all different and would only churn the memo. Anything else is left to the regexes.
 */
function hmsSeconds(text: string): number | undefined {
  if (text.length !== 8 || text.charCodeAt(2) !== 0x3a || text.charCodeAt(5) !== 0x3a) return undefined;
  const h = twoDigits(text, 0);
  const m = twoDigits(text, 3);
  const s = twoDigits(text, 6);
  if (h < 0 || m < 0 || m >= 60 || s < 0 || s >= 60) return undefined;
  return h * HOUR + m * MINUTE + s;
}

/** The number of two ASCII digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 0x30;
  const b = text.charCodeAt(at + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function parseUptimeUncached(text: string): number | null | undefined {
  if (text === 'never') return null;
  let m = HMS.exec(text);
  if (m) {
    const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return mi < 60 && s < 60 ? h * HOUR + mi * MINUTE + s : undefined;
  }
  m = DHM.exec(text);
  if (m) {
    const [d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return h < 24 && mi < 60 ? d * DAY + h * HOUR + mi * MINUTE : undefined;
  }
  m = WDH.exec(text);
  if (m) {
    const [w, d, h] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return d < 7 && h < 24 ? w * WEEK + d * DAY + h * HOUR : undefined;
  }
  return undefined;
}

/** FRR's rendering of an age in seconds (`null` -> `never`). */
export function formatUptime(seconds: number | null): string {
  if (seconds === null) return 'never';
  const two = (n: number): string => String(n).padStart(2, '0');
  if (seconds < DAY) {
    return `${two(Math.floor(seconds / HOUR))}:${two(Math.floor((seconds % HOUR) / MINUTE))}:${two(seconds % MINUTE)}`;
  }
  if (seconds < WEEK) {
    return `${Math.floor(seconds / DAY)}d${two(Math.floor((seconds % DAY) / HOUR))}h${two(Math.floor((seconds % HOUR) / MINUTE))}m`;
  }
  return `${two(Math.floor(seconds / WEEK))}w${Math.floor((seconds % WEEK) / DAY)}d${two(Math.floor((seconds % DAY) / HOUR))}h`;
}
