import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import sinon from 'sinon';
import type { RouterDriver } from '../../src/router-drivers/router-driver.js';
import {
  NeighborVerificationError,
  RouterCommandError,
  RouterConfigValueError,
} from '../../src/router-drivers/errors.js';
import { applyNeighborPlan } from '../../src/router-drivers/neighbor-apply.js';
import {
  planNeighborChanges,
  renderNeighborPlan,
  type NeighborPolicy,
} from '../../src/router-drivers/neighbor-plan.js';
import { parseRunningConfig } from '../../src/router-drivers/parse-running-config.js';
import { silentLog } from '../../src/util/log.js';

const seed = parseRunningConfig(
  readFileSync(new URL('../../fixtures/seed/router/show_running-config.txt', import.meta.url), 'utf8'),
);
const policy = (p: Partial<NeighborPolicy> = {}): NeighborPolicy => ({
  routerAs: 64501,
  descriptionMarker: 'crs-managed',
  neighbors: [{ address: '192.168.201.2', remoteAs: 64500 }],
  ...p,
});
const OWNED = parseRunningConfig(
  [
    'router bgp 64501',
    ' no bgp ebgp-requires-policy',
    ' neighbor 192.168.201.2 remote-as 64500',
    ' neighbor 192.168.201.2 description crs-managed',
    ' neighbor 192.168.201.3 remote-as 64500',
    ' neighbor 192.168.201.3 description crs-managed',
    ' neighbor 192.168.201.3 timers 3 9',
    ' neighbor 192.168.201.11 remote-as 64500',
    ' neighbor 192.168.201.12 remote-as 64500',
    ' neighbor 192.168.201.12 description someone-else',
    ' address-family ipv4 unicast',
    '  neighbor 192.168.201.3 route-map IN in',
    '  maximum-paths 4',
    ' exit-address-family',
    'exit',
  ].join('\n'),
);

function fakeDriver(configs: ReturnType<typeof parseRunningConfig>[], apply?: sinon.SinonStub) {
  const applyConfig = apply ?? sinon.stub().resolves();
  const runningBgpConfig = sinon.stub();
  configs.forEach((c, i) => runningBgpConfig.onCall(i).resolves(c));
  const writeMemory = sinon.stub().resolves();
  const driver = {
    description: 'fake router',
    applyConfig,
    runningBgpConfig,
    writeMemory,
  } as unknown as RouterDriver;
  return { driver, applyConfig, runningBgpConfig, writeMemory };
}

describe('router-drivers: neighbor planner and applier', () => {
  it('adds our neighbor to the seed router, with maximum-paths, and renders a vtysh diff', () => {
    const plan = planNeighborChanges(seed, policy({ maximumPaths: 8 }));
    expect(plan.steps).to.deep.equal([
      { op: 'add', context: 'router', command: 'neighbor 192.168.201.2 remote-as 64500' },
      { op: 'add', context: 'router', command: 'neighbor 192.168.201.2 description crs-managed' },
      { op: 'add', context: 'ipv4-unicast', command: 'maximum-paths 8' },
    ]);
    expect(plan.rollback).to.deep.equal([
      { op: 'add', context: 'ipv4-unicast', command: 'no maximum-paths 8' },
      { op: 'remove', context: 'router', command: 'no neighbor 192.168.201.2' },
    ]);
    expect(renderNeighborPlan(plan)).to.equal(
      [
        'router bgp 64501',
        '+ neighbor 192.168.201.2 remote-as 64500',
        '+ neighbor 192.168.201.2 description crs-managed',
        '  address-family ipv4 unicast',
        '+  maximum-paths 8',
        '  exit-address-family',
        '! maximum-paths 8 (asked for): the router installs up to 8 paths of a prefix as ECMP next hops, for every eBGP route it has, not only ours',
        '! FRR 7.4+ rejects routes from eBGP neighbors without an inbound route-map unless "no bgp ebgp-requires-policy" is set; this plan does not change that',
        '',
      ].join('\n'),
    );
  });

  describe('path slots and maximum-paths', () => {
    const slots = [
      { address: '192.168.201.2', remoteAs: 64500 },
      { address: '192.168.201.5', remoteAs: 64500 },
    ];
    const withPaths = (lines: string[]) =>
      parseRunningConfig(
        [
          'router bgp 64501',
          ' address-family ipv4 unicast',
          ...lines.map((l) => `  ${l}`),
          ' exit-address-family',
        ].join('\n'),
      );

    it('one marked neighbor line per slot address; no maximum-paths unless asked for', () => {
      const plan = planNeighborChanges(seed, policy({ neighbors: slots }));
      expect(plan.steps.map((s) => s.command)).to.deep.equal([
        'neighbor 192.168.201.2 remote-as 64500',
        'neighbor 192.168.201.2 description crs-managed',
        'neighbor 192.168.201.5 remote-as 64500',
        'neighbor 192.168.201.5 description crs-managed',
      ]);
      expect(plan.rollback.map((s) => s.command)).to.deep.equal([
        'no neighbor 192.168.201.5',
        'no neighbor 192.168.201.2',
      ]);
      expect(plan.created).to.deep.equal(['192.168.201.2', '192.168.201.5']);
    });

    it('raises a lower maximum-paths, and the rollback brings the old value back', () => {
      const plan = planNeighborChanges(
        withPaths(['maximum-paths 1']),
        policy({ neighbors: slots, maximumPaths: 2 }),
      );
      expect(plan.steps.filter((s) => s.context === 'ipv4-unicast')).to.deep.equal([
        { op: 'add', context: 'ipv4-unicast', command: 'maximum-paths 2' },
      ]);
      expect(plan.rollback[0]).to.deep.equal({
        op: 'add',
        context: 'ipv4-unicast',
        command: 'maximum-paths 1',
      });
    });

    it('leaves a maximum-paths at least as high alone', () => {
      const plan = planNeighborChanges(
        withPaths(['maximum-paths 16']),
        policy({ neighbors: slots, maximumPaths: 2 }),
      );
      expect(plan.steps.filter((s) => s.context === 'ipv4-unicast')).to.deep.equal([]);
      expect(plan.notes.join('\n')).not.to.contain('maximum-paths');
    });

    it('neighbors in the router AS (iBGP) get maximum-paths ibgp', () => {
      const ibgp = slots.map((n) => ({ ...n, remoteAs: 64501 }));
      const plan = planNeighborChanges(
        withPaths(['maximum-paths 8']),
        policy({ neighbors: ibgp, maximumPaths: 2 }),
      );
      expect(plan.steps.filter((s) => s.context === 'ipv4-unicast').map((s) => s.command)).to.deep.equal([
        'maximum-paths ibgp 2',
      ]);
      expect(plan.rollback[0]!.command).to.equal('no maximum-paths ibgp 2');
      expect(plan.notes).to.include(
        'maximum-paths ibgp 2 (asked for): the router installs up to 2 paths of a prefix as ECMP next hops, for every iBGP route it has, not only ours',
      );
    });
  });

  it('removes only neighbors carrying our marker, leaves every other neighbor alone', () => {
    const plan = planNeighborChanges(OWNED, policy({ maximumPaths: 4 }));
    expect(plan.steps).to.deep.equal([
      { op: 'remove', context: 'router', command: 'no neighbor 192.168.201.3' },
    ]);
    expect(renderNeighborPlan(plan)).to.equal('router bgp 64501\n- no neighbor 192.168.201.3\n');
    // Rollback re-creates it line by line, in the router's order.
    expect(plan.rollback.map((s) => `${s.context}: ${s.command}`)).to.deep.equal([
      'router: neighbor 192.168.201.3 remote-as 64500',
      'router: neighbor 192.168.201.3 description crs-managed',
      'router: neighbor 192.168.201.3 timers 3 9',
      'ipv4-unicast: neighbor 192.168.201.3 route-map IN in',
    ]);
    expect(plan.notes).to.deep.equal([]);
  });

  it('leaves a neighbor without our marker alone even when the policy names it, and says so', () => {
    const plan = planNeighborChanges(
      OWNED,
      policy({
        neighbors: [
          { address: '192.168.201.2', remoteAs: 64500 },
          { address: '192.168.201.12', remoteAs: 64502, ebgpMultihop: 2 },
          { address: '192.168.201.11', remoteAs: 64500 },
          { address: '192.168.201.3', remoteAs: 64500 },
        ],
        importPools: [{ addresses: '192.168.197.0/24' }],
      }),
    );
    expect(plan.steps.filter((s) => /201\.1[12] /.test(s.command))).to.deep.equal([]);
    expect(plan.rollback.filter((s) => /201\.1[12] /.test(s.command))).to.deep.equal([]);
    expect(plan.notes).to.deep.equal([
      'neighbor 192.168.201.12 is configured without the description "crs-managed": left as it is; give it that description to let this tool manage it',
      'neighbor 192.168.201.11 is configured without the description "crs-managed": left as it is; give it that description to let this tool manage it',
    ]);
  });

  it('activates new neighbors when the router has `no bgp default ipv4-unicast`', () => {
    const cfg = parseRunningConfig(
      'router bgp 64501\n no bgp default ipv4-unicast\n no bgp ebgp-requires-policy\n',
    );
    expect(planNeighborChanges(cfg, policy()).steps.map((s) => `${s.context}: ${s.command}`)).to.deep.equal([
      'router: neighbor 192.168.201.2 remote-as 64500',
      'router: neighbor 192.168.201.2 description crs-managed',
      'ipv4-unicast: neighbor 192.168.201.2 activate',
    ]);
  });

  it('refuses every value that could inject a command, and a router AS that does not match', () => {
    const bad: Partial<NeighborPolicy>[] = [
      { neighbors: [{ address: '192.168.201.2\nend\nreload', remoteAs: 64500 }] },
      { neighbors: [{ address: '192.168.201.2 remote-as 1', remoteAs: 64500 }] },
      { neighbors: [{ address: 'fe80::1%eth0', remoteAs: 64500 }] },
      { neighbors: [{ address: '192.168.201.2', remoteAs: 0 }] },
      { neighbors: [{ address: '192.168.201.2', remoteAs: 4294967296 }] },
      { neighbors: [{ address: '192.168.201.2', remoteAs: 64500.5 }] },
      {
        neighbors: [
          { address: '192.168.201.2', remoteAs: 64500 },
          { address: '192.168.201.2', remoteAs: 64500 },
        ],
      },
      { descriptionMarker: 'crs managed' },
      { descriptionMarker: 'crs;write' },
      { descriptionMarker: '' },
      { maximumPaths: 0 },
      { routerAs: 64999 },
    ];
    for (const p of bad)
      expect(() => planNeighborChanges(seed, policy(p)), JSON.stringify(p)).to.throw(RouterConfigValueError);
    fc.assert(
      fc.property(fc.string(), (marker) => {
        let plan;
        try {
          plan = planNeighborChanges(seed, policy({ descriptionMarker: marker }));
        } catch (err) {
          expect(err).to.be.instanceOf(RouterConfigValueError);
          return;
        }
        for (const s of plan.steps) expect(s.command).to.match(/^[A-Za-z0-9 ._:-]+$/);
      }),
    );
  });

  it('applies in one configure session, verifies by re-reading, writes memory only when asked', async () => {
    const plan = planNeighborChanges(seed, policy());
    const after = parseRunningConfig(
      'router bgp 64501\n neighbor 192.168.201.2 remote-as 64500\n neighbor 192.168.201.2 description crs-managed\n',
    );
    const f = fakeDriver([after]);
    expect(
      await applyNeighborPlan(f.driver, plan, policy(), { writeMemory: true, log: silentLog }),
    ).to.deep.equal({
      applied: 2,
      verified: true,
      wroteMemory: true,
    });
    expect(f.applyConfig.firstCall.args[0]).to.deep.equal([
      'router bgp 64501',
      'neighbor 192.168.201.2 remote-as 64500',
      'neighbor 192.168.201.2 description crs-managed',
    ]);
    expect(f.writeMemory.calledOnce).to.equal(true);
  });

  it('rolls back and says so when the re-read config does not show the change', async () => {
    const plan = planNeighborChanges(seed, policy());
    const f = fakeDriver([seed, seed]);
    try {
      await applyNeighborPlan(f.driver, plan, policy(), { log: silentLog });
      expect.fail('expected an error');
    } catch (err) {
      expect(err).to.be.instanceOf(NeighborVerificationError);
      const e = err as NeighborVerificationError;
      expect(e.rolledBack).to.equal(true);
      expect(e.missing).to.deep.equal([
        'neighbor 192.168.201.2 remote-as 64500',
        'neighbor 192.168.201.2 description crs-managed',
      ]);
      expect(e.message).to.contain('rolled back to the previous neighbor lines');
    }
    expect(f.applyConfig.secondCall.args[0]).to.deep.equal(['router bgp 64501', 'no neighbor 192.168.201.2']);
    expect(f.writeMemory.called).to.equal(false);
  });

  it('rolls back when the router refuses a command midway', async () => {
    const plan = planNeighborChanges(seed, policy());
    const apply = sinon.stub();
    apply
      .onFirstCall()
      .rejects(
        new RouterCommandError(
          'create-peer-group-or-interface-first',
          'neighbor x',
          '%',
          'Create the peer-group or interface first',
        ),
      );
    apply.onSecondCall().resolves();
    const f = fakeDriver([seed, seed], apply);
    try {
      await applyNeighborPlan(f.driver, plan, policy(), { log: silentLog });
      expect.fail('expected an error');
    } catch (err) {
      expect((err as NeighborVerificationError).message)
        .to.contain('refused')
        .and.contain('rolled back');
    }
    expect(apply.calledTwice).to.equal(true);
  });
});
