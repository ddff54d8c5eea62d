/** Nanoseconds per Go duration unit. */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const PART = /^(\d+)(?:\.(\d*))?|^\.(\d+)/;

/**
 * Parses Go's time.Duration syntax (`90s`, `1m30s`, `1.5h`, `300ms`, `0`) into milliseconds,
 * because MetalLB (a Go program) defines its timers that way. Returns undefined when the text is
 * not a duration or is negative (no timer here may be negative).
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text.trim();
  if (rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let totalNs = 0n;
  while (rest !== '') {
    const num = PART.exec(rest);
    if (!num) return undefined;
    const whole = num[1] ?? '0';
    const frac = num[2] ?? num[3] ?? '';
    if (num[1] === undefined && frac === '') return undefined;
    rest = rest.slice(num[0].length);
    const unit = /^(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!unit) return undefined;
    rest = rest.slice(unit[0].length);
    const perUnit = UNIT_NS[unit[0]] as bigint;
    const fracScale = 10n ** BigInt(frac.length);
    totalNs += BigInt(whole) * perUnit + (frac === '' ? 0n : (BigInt(frac) * perUnit) / fracScale);
  }
  return Number(totalNs) / 1e6;
}

/** Formats milliseconds the way Go prints a duration: `1m30s`, `90ms`, `0s`, `1h0m0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${trimNumber(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const sec = `${trimNumber(seconds)}s`;
  if (hours > 0) return `${hours}h${minutes}m${sec}`;
  if (minutes > 0) return `${minutes}m${sec}`;
  return sec;
}

function trimNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}
