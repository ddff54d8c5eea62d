/**
 * The terminal form of a log record: one line per event, read the way a router's log is read
 * (`BGP 192.168.200.1 Established`, `announce 192.168.197.0/32 via 192.168.201.11
 * (default/nginx)`), instead of a block of fields per event. Pure: a parsed pino record in, a
 * line out; src/observability/logger.ts feeds it.
 *
 * The main events (session state, announce/change/withdraw, allocation, verification) have a
 * sentence made of their fields; every other record is its message. Fields a sentence did not use
 * follow as key=value, so nothing a JSON line holds is lost on the terminal.
 */

export type LogRecord = Record<string, unknown>;

/** text: one line per event (this module); json: pino's own line, one object per line. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

interface TextLineOptions {
  /** ANSI colour on the level (a terminal). */
  color: boolean;
}

/** pino's numeric levels (pino's `levels.labels`), padded to one width. */
const LEVELS: Record<number, { label: string; color: string }> = {
  10: { label: 'TRACE', color: '\u001b[90m' },
  20: { label: 'DEBUG', color: '\u001b[36m' },
  30: { label: 'INFO ', color: '\u001b[32m' },
  40: { label: 'WARN ', color: '\u001b[33m' },
  50: { label: 'ERROR', color: '\u001b[31m' },
  60: { label: 'FATAL', color: '\u001b[41m' },
};
const RESET = '\u001b[0m';

/** Set on every record by pino or by createLogger: the same on every line, so not shown. */
const CONTEXT_KEYS = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'component']);

interface Sentence {
  text: string;
  /** The fields the sentence shows. */
  used: readonly string[];
}

type SentenceRule = (msg: string, r: LogRecord) => Sentence | undefined;

/** src/app/engine/engine.ts's session, plan and verification records. */
const RULES: readonly SentenceRule[] = [
  (msg, r) =>
    msg === 'BGP session established' && typeof r.peerAddress === 'string'
      ? { text: `BGP ${r.peerAddress} Established`, used: ['peerAddress', 'state'] }
      : undefined,
  (msg, r) =>
    msg.startsWith('BGP session down') && typeof r.peerAddress === 'string'
      ? {
          text: `BGP ${r.peerAddress} down (${text(r.state)})${msg.slice('BGP session down'.length)}`,
          used: ['peerAddress', 'state'],
        }
      : undefined,
  (msg, r) =>
    msg === 'BGP session state' && typeof r.peerAddress === 'string'
      ? { text: `BGP ${r.peerAddress} ${text(r.state)}`, used: ['peerAddress', 'state'] }
      : undefined,
  // src/bgp/session.ts's FSM transitions: the message already names peer, from and to.
  (msg, r) =>
    /^BGP \S+: \S+ -> \S+$/.test(msg)
      ? {
          text: r.reason === undefined ? msg : `${msg} (${text(r.reason)})`,
          used: ['peer', 'from', 'to', 'reason'],
        }
      : undefined,
  (msg, r) =>
    /^(announce|change) \S+$/.test(msg) && Array.isArray(r.nextHops)
      ? {
          text:
            `${msg} via ${list(r.nextHops)}` +
            (Array.isArray(r.previous) ? ` (was ${list(r.previous)})` : '') +
            services(r),
          used: ['nextHops', 'previous', 'services'],
        }
      : undefined,
  (msg, r) => (/^withdraw \S+$/.test(msg) ? { text: `${msg}${services(r)}`, used: ['services'] } : undefined),
  (msg, r) =>
    /^allocation \w+$/.test(msg) && typeof r.service === 'string'
      ? {
          text:
            `${msg} ${r.service}` +
            (Array.isArray(r.ips) && r.ips.length > 0 ? ` ${list(r.ips)}` : '') +
            (r.failure === undefined ? '' : `: ${messageOf(r.failure)}`),
          used: ['service', 'ips', 'failure'],
        }
      : undefined,
  (msg, r) =>
    msg === 'router verified' && typeof r.verdict === 'string'
      ? {
          text: `router verified: ${r.verdict}, ${text(r.findings)} finding${r.findings === 1 ? '' : 's'} (${text(r.reason)})`,
          used: ['verdict', 'findings', 'reason'],
        }
      : undefined,
];

export function formatTextLine(record: LogRecord, opts: TextLineOptions): string {
  const msg = typeof record.msg === 'string' ? record.msg : '';
  const sentence = sentenceFor(msg, record);
  const used = new Set(sentence.used);
  const extra: string[] = [];
  let error = '';
  for (const [key, value] of Object.entries(record)) {
    if (CONTEXT_KEYS.has(key) || used.has(key) || value === undefined) continue;
    if (key === 'err') error = messageOf(value);
    else extra.push(`${key}=${fieldValue(value)}`);
  }
  const level = LEVELS[typeof record.level === 'number' ? record.level : 30] ?? LEVELS[30]!;
  const label = opts.color ? `${level.color}${level.label}${RESET}` : level.label;
  const body = [sentence.text + (error === '' ? '' : `: ${error}`), ...extra].filter((s) => s !== '');
  // A multi-line message (a config warning quoting a file) stays on its line, its breaks shown.
  return `${clockTime(record.time)} ${label} ${body.join(' ').replace(/\r\n|\r|\n/g, '\\n')}\n`;
}

function sentenceFor(msg: string, record: LogRecord): Sentence {
  for (const rule of RULES) {
    const s = rule(msg, record);
    if (s) return s;
  }
  return { text: msg, used: [] };
}

/** HH:MM:SS.mmm in local time, as a router's log shows it; the date is in the JSON form. */
function clockTime(time: unknown): string {
  const d = new Date(typeof time === 'string' || typeof time === 'number' ? time : NaN);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function services(r: LogRecord): string {
  return Array.isArray(r.services) && r.services.length > 0 ? ` (${list(r.services)})` : '';
}

function list(values: readonly unknown[]): string {
  return values.map(text).join(', ');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** A value as key=value shows it: bare when it has no space, else quoted; lists comma-joined. */
function fieldValue(value: unknown): string {
  const s = Array.isArray(value) && value.every((v) => typeof v !== 'object') ? value.join(',') : text(value);
  return /[\s"=]/.test(s) || s === '' ? JSON.stringify(s) : s;
}

/**
 * pino serialises an Error under `err` as { type, message, stack }: the message on the line, not
 * the stack (the JSON form keeps it). Some call sites pass the message string itself; an
 * allocation's failure is { reason, message }.
 */
function messageOf(value: unknown): string {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  ) {
    return (value as { message: string }).message;
  }
  return text(value);
}
