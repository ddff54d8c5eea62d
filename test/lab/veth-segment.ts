/** Runs a command in the root namespace; the caller decides which error a failure becomes. */
export type RunCommand = (cmd: string, args: string[]) => Promise<unknown>;

export interface VethSegmentOptions {
  /** Namespace of the router side (FRR), interface `vr`. */
  routerNs: string;
  /** Namespace of the speaker side (our process), interface `vs`. */
  speakerNs: string;
  /** CIDRs for `vr`; IPv6 ones skip duplicate address detection so they are usable at once. */
  routerAddresses: readonly string[];
  /** CIDRs for `vs`, likewise. */
  speakerAddresses: readonly string[];
}

export const ROUTER_IF = 'vr';
export const SPEAKER_IF = 'vs';

/**
 * Two network namespaces joined by a veth pair, `vr` in the router one and `vs` in the speaker
 * one, both up with their addresses. Resolves to the teardown; on a failure the namespaces
 * already made are removed before the error goes on.
 */
export async function createVethSegment(
  opts: VethSegmentOptions,
  run: RunCommand,
): Promise<() => Promise<void>> {
  const created: string[] = [];
  // Deleting the namespaces also removes the veth pair; callers stop their daemons first.
  const destroy = async (): Promise<void> => {
    while (created.length > 0) await run('ip', ['netns', 'del', created.pop() as string]);
  };
  try {
    for (const ns of [opts.routerNs, opts.speakerNs]) {
      await run('ip', ['netns', 'add', ns]);
      created.push(ns);
    }
    await run('ip', [
      'link',
      'add',
      ROUTER_IF,
      'netns',
      opts.routerNs,
      'type',
      'veth',
      'peer',
      'name',
      SPEAKER_IF,
      'netns',
      opts.speakerNs,
    ]);
    for (const [ns, dev, cidrs] of [
      [opts.routerNs, ROUTER_IF, opts.routerAddresses],
      [opts.speakerNs, SPEAKER_IF, opts.speakerAddresses],
    ] as const) {
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      for (const cidr of cidrs) {
        await run('ip', [
          '-n',
          ns,
          'addr',
          'add',
          cidr,
          'dev',
          dev,
          ...(cidr.includes(':') ? ['nodad'] : []),
        ]);
      }
      await run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    }
    return destroy;
  } catch (err) {
    await destroy();
    throw err;
  }
}
