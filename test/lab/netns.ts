import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createVethSegment, ROUTER_IF, SPEAKER_IF } from './veth-segment.js';

const execFileAsync = promisify(execFile);

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** Runs a command in the root namespace; rejects with stderr in the message on failure. */
export async function run(cmd: string, args: string[]): Promise<ExecResult> {
  try {
    return await execFileAsync(cmd, args, { maxBuffer: 256 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

export interface Lab {
  id: string;
  /** Namespace of the router (FRR). */
  routerNs: string;
  /** Namespace of the speaker side (our process, gobgpd, exabgp...). */
  speakerNs: string;
  routerIf: string;
  speakerIf: string;
  /** 192.168.201.1: the router's address on the shared segment. */
  routerAddress: string;
  /** 192.168.201.2: the speaker's address; node addresses are added beside it. */
  speakerAddress: string;
  /** Runs a command inside a namespace (`ip netns exec`). */
  exec(ns: string, cmd: string, args: string[]): Promise<ExecResult>;
  /** Adds an address (CIDR) to the speaker side, e.g. a node address used as a next hop. */
  addSpeakerAddress(cidr: string): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Two network namespaces joined by a veth pair: a shared segment 192.168.201.0/24 (the seed's
 * LAN) where the router is .1 and the speaker .2; the seed's node addresses (.11, .12) can be added
 * to the speaker side so they are real on-link next hops. Everything lives inside namespaces this
 * test made, so nothing leaves the machine.
 */
export async function createLab(opts: { speakerAddresses?: string[]; ipv6?: boolean } = {}): Promise<Lab> {
  const id = randomBytes(3).toString('hex');
  const routerNs = `crs-r-${id}`;
  const speakerNs = `crs-s-${id}`;
  const destroy = await createVethSegment(
    {
      routerNs,
      speakerNs,
      routerAddresses: ['192.168.201.1/24', ...(opts.ipv6 ? ['fd00:201::1/64'] : [])],
      speakerAddresses: ['192.168.201.2/24', ...(opts.ipv6 ? ['fd00:201::2/64'] : [])],
    },
    run,
  );
  const lab: Lab = {
    id,
    routerNs,
    speakerNs,
    routerIf: ROUTER_IF,
    speakerIf: SPEAKER_IF,
    routerAddress: '192.168.201.1',
    speakerAddress: '192.168.201.2',
    exec: (ns, cmd, args) => run('ip', ['netns', 'exec', ns, cmd, ...args]),
    addSpeakerAddress: async (cidr) => {
      await run('ip', ['-n', speakerNs, 'addr', 'add', cidr, 'dev', SPEAKER_IF]);
    },
    // Callers stop their daemons first: deleting the namespaces kills nothing else.
    destroy,
  };
  try {
    for (const cidr of opts.speakerAddresses ?? []) await lab.addSpeakerAddress(cidr);
    return lab;
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}
