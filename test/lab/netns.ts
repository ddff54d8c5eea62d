import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

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
  const routerIf = 'vr';
  const speakerIf = 'vs';
  const created: string[] = [];
  const lab: Lab = {
    id,
    routerNs,
    speakerNs,
    routerIf,
    speakerIf,
    routerAddress: '192.168.201.1',
    speakerAddress: '192.168.201.2',
    exec: (ns, cmd, args) => run('ip', ['netns', 'exec', ns, cmd, ...args]),
    addSpeakerAddress: async (cidr) => {
      await run('ip', ['-n', speakerNs, 'addr', 'add', cidr, 'dev', speakerIf]);
    },
    destroy: async () => {
      // Deleting the namespaces also removes the veth pair and kills nothing else: callers stop
      // their daemons first.
      while (created.length > 0) await run('ip', ['netns', 'del', created.pop() as string]);
    },
  };
  try {
    for (const ns of [routerNs, speakerNs]) {
      await run('ip', ['netns', 'add', ns]);
      created.push(ns);
    }
    await run('ip', [
      'link',
      'add',
      routerIf,
      'netns',
      routerNs,
      'type',
      'veth',
      'peer',
      'name',
      speakerIf,
      'netns',
      speakerNs,
    ]);
    for (const [ns, dev, addr] of [
      [routerNs, routerIf, '192.168.201.1/24'],
      [speakerNs, speakerIf, '192.168.201.2/24'],
    ] as const) {
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await run('ip', ['-n', ns, 'addr', 'add', addr, 'dev', dev]);
      if (opts.ipv6) {
        const v6 = ns === routerNs ? 'fd00:201::1/64' : 'fd00:201::2/64';
        await run('ip', ['-n', ns, 'addr', 'add', v6, 'dev', dev, 'nodad']);
      }
      await run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    }
    for (const cidr of opts.speakerAddresses ?? []) await lab.addSpeakerAddress(cidr);
    return lab;
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}
