import { RouterOutputParseError } from '../errors.js';
import { lineError } from '../text-lines.js';
import { birdReplyLines } from './birdc-reply.js';

export interface BirdStatus {
  /** As printed, e.g. `2.0.12`, `2.17.6`. */
  version: string;
  major: number;
  minor: number;
  routerId: string;
  hostname?: string;
}

const COMMAND = 'show status';

/**
 * `birdc -v show status` (fixtures/bird-2.0.12/show_status.txt): `1000-BIRD 2.0.12`, then
 * `1011-Router ID is ...` and its continuation lines, then `0013 Daemon is up and running`.
 */
export function parseBirdStatus(text: string): BirdStatus {
  const lines = birdReplyLines(COMMAND, text);
  const banner = lines.find((l) => l.code === 1000);
  if (banner === undefined) {
    const first = lines[0];
    if (first === undefined)
      throw new RouterOutputParseError(COMMAND, 1, text.split('\n')[0] ?? '', 'no reply');
    throw lineError(COMMAND, first.line, 'no 1000 line with the BIRD version');
  }
  const v = /^BIRD (\d+)\.(\d+)(?:\.\d+)*\S*$/.exec(banner.text);
  if (v === null) throw lineError(COMMAND, banner.line, 'not a `BIRD <version>` line');
  const status: BirdStatus = {
    version: banner.text.slice('BIRD '.length),
    major: Number(v[1]),
    minor: Number(v[2]),
    routerId: '',
  };
  for (const l of lines) {
    const id = /^Router ID is (\S+)$/.exec(l.text);
    if (id) status.routerId = id[1] as string;
    const host = /^Hostname is (\S+)$/.exec(l.text);
    if (host) status.hostname = host[1] as string;
  }
  if (status.routerId === '') throw lineError(COMMAND, banner.line, 'no `Router ID is` line follows');
  return status;
}
