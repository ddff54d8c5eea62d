/**
 * Live reconfiguration of `run` with only real parts (test/e2e/support/full-system.ts): the
 * MetalLB ConfigMap and a password Secret change under one running `run` process, and FRR's RIB
 * and sessions follow without that process restarting.
 */
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { frrTable, type RouteTable } from '../lab/route-tables.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';
import { requireApiServer } from './apiserver.js';
import { createObject } from './kube-objects.js';
import {
  externalIps,
  FULL_SYSTEM_COMMANDS,
  loadSeed,
  serviceWithEndpoint,
  startFullSystem,
  type FullSystem,
  type RunChild,
} from './support/full-system.js';

const CONFIG_MAP = '/api/v1/namespaces/metallb-system/configmaps/config';
const SECRET = '/api/v1/namespaces/metallb-system/secrets/bgp-auth';
const MERGE = 'application/merge-patch+json';
/** Our session from the config file (lab-router) and the one the ConfigMap adds, as FRR names them. */
const FILE_SESSION = '192.168.201.2';
const ADDED_SESSION = '192.168.201.11';

interface FrrNeighbor {
  bgpState?: string;
  connectionsEstablished?: number;
  bgpTimerHoldTimeMsecs?: number;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('live reconfiguration: pools, peers and a password Secret change under one running run @lab', function () {
  this.timeout(300_000);
  let sys: FullSystem | undefined;
  let run: RunChild;
  let pid: number | undefined;

  before(async function () {
    requireLab(this, { root: true, commands: FULL_SYSTEM_COMMANDS });
    requireApiServer(this);
    sys = await startFullSystem();
    await loadSeed(sys.api);
    // The file's peer takes its TCP-MD5 password (RFC 2385) from a Secret, as FRR has it.
    await sys.api.adminRequest('POST', '/api/v1/namespaces/metallb-system/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bgp-auth', namespace: 'metallb-system' },
      data: { password: base64('first-key') },
    });
    await sys.frr.vtysh(
      'configure terminal',
      'router bgp 64501',
      `neighbor ${FILE_SESSION} password first-key`,
    );
    const own = await readFile(sys.configFile, 'utf8');
    const withSecret = own.replace(
      '    connectTime: 1s\n',
      '    connectTime: 1s\n    passwordSecret:\n      name: bgp-auth\n',
    );
    expect(withSecret).not.to.equal(own);
    await writeFile(sys.configFile, withSecret);
    run = sys.startRun('crs-live');
    pid = run.proc.pid;
  });

  after(async () => {
    await sys?.stop();
  });

  /** The same process all along: never exited, never restarted. */
  function stillTheSameProcess(): void {
    expect(run.proc.pid).to.equal(pid);
    expect(run.proc.exitCode, run.stderr().split('\n').slice(-15).join('\n')).to.equal(null);
    expect(run.proc.signalCode).to.equal(null);
  }

  async function neighbors(): Promise<Record<string, FrrNeighbor>> {
    return sys!.frr.vtyshJson<Record<string, FrrNeighbor>>('show bgp neighbors json');
  }

  async function established(address: string): Promise<FrrNeighbor | undefined> {
    const n = (await neighbors())[address];
    return n?.bgpState === 'Established' ? n : undefined;
  }

  async function patchConfigMap(edit: (config: string) => string): Promise<void> {
    const cm = await sys!.api.adminRequest<{ data: { config: string } }>('GET', CONFIG_MAP);
    const config = edit(cm.data.config);
    expect(config).not.to.equal(cm.data.config);
    await sys!.api.adminRequest('PATCH', CONFIG_MAP, { data: { config } }, MERGE);
  }

  const withTail = (err: Error) =>
    new Error(`${err.message}\n--- run stderr tail\n${run.stderr().split('\n').slice(-25).join('\n')}`, {
      cause: err,
    });

  it('starts with the password from the Secret: the session is up and the seed routes are in FRR', async () => {
    await waitFor('the file session up with the first key', () => established(FILE_SESSION), {
      timeoutMs: 60_000,
    }).catch((err: Error) => {
      throw withTail(err);
    });
    await waitFor('the seed routes', async () => Object.keys(await frrTable(sys!.frr)).length === 3, {
      timeoutMs: 60_000,
    });
    stillTheSameProcess();
  });

  it('(a) a pool added to the ConfigMap: a Service waiting for it gets an address from it, FRR routes it', async () => {
    const [svc, slice] = serviceWithEndpoint('e2e-extra', 'k8s-node1');
    svc!.metadata.annotations = { 'metallb.universe.tf/address-pool': 'extra' };
    await createObject(sys!.api, slice!);
    await createObject(sys!.api, svc!);
    await patchConfigMap((c) =>
      c.replace(
        'address-pools:\n',
        'address-pools:\n- name: extra\n  protocol: bgp\n  addresses:\n  - 192.168.196.0/24\n',
      ),
    );
    await waitFor(
      'e2e-extra allocated from the new pool',
      async () => (await externalIps(sys!.api))['e2e-extra'] === '192.168.196.0',
      {
        timeoutMs: 60_000,
      },
    ).catch((err: Error) => {
      throw withTail(err);
    });
    await waitFor('192.168.196.0/32 in FRR via the endpoint node', async () => {
      const table: RouteTable = await frrTable(sys!.frr);
      return JSON.stringify(table['192.168.196.0/32']) === JSON.stringify(['192.168.201.11']);
    });
    stillTheSameProcess();
  });

  it('(b) a peer added, then changed: only its own session resets, the other one stays up', async () => {
    await sys!.frr.vtysh(
      'configure terminal',
      'router bgp 64501',
      `neighbor ${ADDED_SESSION} remote-as 64500`,
      `neighbor ${ADDED_SESSION} timers connect 1`,
    );
    await patchConfigMap((c) =>
      c.replace(
        'address-pools:\n',
        `- peer-address: 192.168.201.1\n  peer-asn: 64501\n  my-asn: 64500\n  source-address: ${ADDED_SESSION}\naddress-pools:\n`,
      ),
    );
    const added = await waitFor('the added peer up', () => established(ADDED_SESSION), {
      timeoutMs: 60_000,
    }).catch((err: Error) => {
      throw withTail(err);
    });
    const fileBefore = (await established(FILE_SESSION))!.connectionsEstablished;

    await patchConfigMap((c) =>
      c.replace(
        `  source-address: ${ADDED_SESSION}\n`,
        `  source-address: ${ADDED_SESSION}\n  hold-time: 30s\n`,
      ),
    );
    const reset = await waitFor(
      'the changed peer back up with hold time 30 s',
      async () => {
        const n = await established(ADDED_SESSION);
        return n && n.connectionsEstablished! > added.connectionsEstablished! ? n : undefined;
      },
      { timeoutMs: 60_000 },
    ).catch((err: Error) => {
      throw withTail(err);
    });
    expect(reset.bgpTimerHoldTimeMsecs).to.equal(30_000);
    const file = await established(FILE_SESSION);
    expect(file?.connectionsEstablished, 'the file session was not reset').to.equal(fileBefore);
    expect(run.stderr()).to.include('resetting its session only');
    stillTheSameProcess();
  });

  it('(c) a new password in the Secret: the session comes back with the new key FRR now has', async () => {
    const before = (await established(FILE_SESSION))!.connectionsEstablished!;
    const other = (await established(ADDED_SESSION))!.connectionsEstablished;
    await sys!.frr.vtysh(
      'configure terminal',
      'router bgp 64501',
      `neighbor ${FILE_SESSION} password second-key`,
    );
    await sys!.api.adminRequest('PATCH', SECRET, { data: { password: base64('second-key') } }, MERGE);
    await waitFor(
      'the file session up again with the second key',
      async () => ((await established(FILE_SESSION))?.connectionsEstablished ?? 0) > before,
      { timeoutMs: 60_000 },
    ).catch((err: Error) => {
      throw withTail(err);
    });
    expect(
      (await established(ADDED_SESSION))?.connectionsEstablished,
      'the other session was not reset',
    ).to.equal(other);
    stillTheSameProcess();
  });

  /** `run`'s `router verified` log lines so far, with their verdicts. */
  const verifications = (): string[] =>
    run
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"msg":"router verified"'))
      .map((l) => (JSON.parse(l) as { verdict: string }).verdict);

  /** Waits for a verification that starts after now, and ends `ok`: the router holds the plan. */
  async function nextVerifiedOk(what: string): Promise<void> {
    const seen = verifications().length;
    // The one under way may have read the router before now; the one after it has not.
    await waitFor(
      what,
      () =>
        verifications()
          .slice(seen + 1)
          .includes('ok'),
      { timeoutMs: 60_000 },
    ).catch((err: Error) => {
      throw withTail(err);
    });
  }

  it('(d) an invalid ConfigMap is refused: a Warning Event on it, routes unchanged, still running', async () => {
    // (c) reset a session: the routes it carries come back after it is up.
    await nextVerifiedOk('the router to hold the plan again after (c)');
    const routes = await frrTable(sys!.frr);
    await patchConfigMap((c) => c.replace('  - 192.168.196.0/24\n', '  - 192.168.196.0/33\n'));
    const event = await waitFor(
      'an InvalidConfig Event on the ConfigMap',
      async () => {
        const list = await sys!.api.adminRequest<{
          items: Array<{
            reason?: string;
            type?: string;
            note?: string;
            regarding?: { kind?: string; name?: string };
          }>;
        }>('GET', '/apis/events.k8s.io/v1/namespaces/metallb-system/events');
        return list.items.find((e) => e.reason === 'InvalidConfig');
      },
      { timeoutMs: 60_000 },
    ).catch((err: Error) => {
      throw withTail(err);
    });
    expect(event.type).to.equal('Warning');
    expect(event.regarding).to.include({ kind: 'ConfigMap', name: 'config' });
    expect(event.note).to.include('192.168.196.0/33');
    expect(run.stderr()).to.include('config change refused, keeping the last good config');
    // A verification after the refusal finds the router still holding the plan, and it has exactly
    // what it had.
    await nextVerifiedOk('a verification after the refusal');
    expect(await frrTable(sys!.frr)).to.deep.equal(routes);
    expect(run.stderr()).not.to.include('exiting with code 4');
    stillTheSameProcess();
  });
});
