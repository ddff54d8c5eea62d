import { expect } from 'chai';
import { inspect } from 'node:util';
import sinon from 'sinon';
import type { RouterDriver } from '../../src/router-drivers/router-driver.js';
import { NeighborVerificationError, RouterConfigValueError } from '../../src/router-drivers/errors.js';
import { poolMatches } from '../../src/router-drivers/import-filter.js';
import { applyNeighborPlan } from '../../src/router-drivers/neighbor-apply.js';
import {
  configLinesFor,
  planNeighborChanges,
  renderNeighborPlan,
  type NeighborPolicy,
} from '../../src/router-drivers/neighbor-plan.js';
import { parseRunningConfig } from '../../src/router-drivers/parse-running-config.js';
import { commandErrorFor } from '../../src/router-drivers/vtysh-errors.js';
import { silentLog } from '../../src/util/log.js';

const KEY = 'Md5-k3y!unit';
const policy = (p: Partial<NeighborPolicy> = {}): NeighborPolicy => ({
  routerAs: 64501,
  descriptionMarker: 'crs-managed',
  neighbors: [{ address: '192.168.201.2', remoteAs: 64500, password: KEY }],
  importPools: [{ addresses: '192.168.197.0/24' }, { addresses: 'fd00:197::/120' }],
  ...p,
});
const EMPTY = parseRunningConfig(['router bgp 64501', ' bgp router-id 192.168.198.254', 'exit'].join('\n'));

/** FRR's running config once the plan above is applied, as `show running-config` prints it. */
const APPLIED = parseRunningConfig(
  [
    'ip prefix-list crs-managed-in seq 5 permit 192.168.197.0/24 ge 32',
    'ipv6 prefix-list crs-managed-in seq 5 permit fd00:197::/120 ge 128',
    'route-map crs-managed-in permit 10',
    ' match ip address prefix-list crs-managed-in',
    'exit',
    'route-map crs-managed-in permit 20',
    ' match ipv6 address prefix-list crs-managed-in',
    'exit',
    'router bgp 64501',
    ' bgp router-id 192.168.198.254',
    ' neighbor 192.168.201.2 remote-as 64500',
    ' neighbor 192.168.201.2 description crs-managed',
    ` neighbor 192.168.201.2 password ${KEY}`,
    ' address-family ipv4 unicast',
    '  neighbor 192.168.201.2 route-map crs-managed-in in',
    ' exit-address-family',
    ' address-family ipv6 unicast',
    '  neighbor 192.168.201.2 route-map crs-managed-in in',
    ' exit-address-family',
    'exit',
  ].join('\n'),
);

describe('router-drivers: neighbor password and import filter', () => {
  it('plans password, prefix-lists, route-map and inbound route-map for a new neighbor', () => {
    const plan = planNeighborChanges(EMPTY, policy());
    expect(
      plan.steps.map((s) => `${s.context}: ${s.block ? `[${s.block}] ` : ''}${s.command}`),
    ).to.deep.equal([
      'router: neighbor 192.168.201.2 remote-as 64500',
      'router: neighbor 192.168.201.2 description crs-managed',
      'router: neighbor 192.168.201.2 password <redacted>',
      'global: ip prefix-list crs-managed-in seq 5 permit 192.168.197.0/24 ge 32',
      'route-map: [route-map crs-managed-in permit 10] match ip address prefix-list crs-managed-in',
      'ipv4-unicast: neighbor 192.168.201.2 route-map crs-managed-in in',
      'global: ipv6 prefix-list crs-managed-in seq 5 permit fd00:197::/120 ge 128',
      'route-map: [route-map crs-managed-in permit 20] match ipv6 address prefix-list crs-managed-in',
      'ipv6-unicast: neighbor 192.168.201.2 route-map crs-managed-in in',
    ]);
    // The eBGP policy note is moot once we install an inbound route-map.
    expect(plan.notes).to.deep.equal([]);
    expect(configLinesFor(plan.routerAs, plan.steps)).to.deep.equal([
      'ip prefix-list crs-managed-in seq 5 permit 192.168.197.0/24 ge 32',
      'ipv6 prefix-list crs-managed-in seq 5 permit fd00:197::/120 ge 128',
      'route-map crs-managed-in permit 10',
      'match ip address prefix-list crs-managed-in',
      'exit',
      'route-map crs-managed-in permit 20',
      'match ipv6 address prefix-list crs-managed-in',
      'exit',
      'router bgp 64501',
      'neighbor 192.168.201.2 remote-as 64500',
      'neighbor 192.168.201.2 description crs-managed',
      `neighbor 192.168.201.2 password ${KEY}`,
      'address-family ipv4 unicast',
      'neighbor 192.168.201.2 route-map crs-managed-in in',
      'exit-address-family',
      'address-family ipv6 unicast',
      'neighbor 192.168.201.2 route-map crs-managed-in in',
      'exit-address-family',
    ]);
  });

  it('never shows the password: rendered diff, JSON, inspect', () => {
    const plan = planNeighborChanges(EMPTY, policy());
    const text = renderNeighborPlan(plan);
    expect(text).to.include('+ neighbor 192.168.201.2 password <redacted>');
    expect(text).to.include('+ ip prefix-list crs-managed-in seq 5 permit 192.168.197.0/24 ge 32');
    for (const out of [
      text,
      JSON.stringify(plan),
      inspect(plan, { depth: 10 }),
      String(plan.steps[2]?.secret),
    ]) {
      expect(out).to.not.include(KEY);
    }
  });

  it('has nothing to do once the router shows the filter and a password', () => {
    const plan = planNeighborChanges(APPLIED, policy());
    expect(plan.steps).to.deep.equal([]);
    expect(plan.notes).to.deep.equal([
      'an existing neighbor password is never read back, so it is not compared or rewritten',
    ]);
  });

  it('repairs a changed pool and a foreign route-map, with a rollback restoring them', () => {
    const drifted = parseRunningConfig(
      [
        'ip prefix-list crs-managed-in seq 5 permit 192.168.196.0/24 ge 32',
        'ip prefix-list crs-managed-in seq 10 permit 0.0.0.0/0 le 32',
        'route-map crs-managed-in permit 10',
        ' match ip address prefix-list crs-managed-in',
        'exit',
        'router bgp 64501',
        ' neighbor 192.168.201.2 remote-as 64500',
        ' neighbor 192.168.201.2 description crs-managed',
        ' address-family ipv4 unicast',
        '  neighbor 192.168.201.2 route-map OTHER in',
        ' exit-address-family',
        'exit',
      ].join('\n'),
    );
    const plan = planNeighborChanges(drifted, policy({ importPools: [{ addresses: '192.168.197.0/24' }] }));
    expect(plan.steps.map((s) => `${s.op} ${s.context}: ${s.command}`)).to.deep.equal([
      'add router: neighbor 192.168.201.2 password <redacted>',
      'add global: ip prefix-list crs-managed-in seq 5 permit 192.168.197.0/24 ge 32',
      'add global: no ip prefix-list crs-managed-in seq 10 permit 0.0.0.0/0 le 32',
      'add ipv4-unicast: neighbor 192.168.201.2 route-map crs-managed-in in',
    ]);
    expect(plan.rollback.map((s) => `${s.context}: ${s.command}`)).to.deep.equal([
      'ipv4-unicast: neighbor 192.168.201.2 route-map OTHER in',
      'global: ip prefix-list crs-managed-in seq 10 permit 0.0.0.0/0 le 32',
      'global: ip prefix-list crs-managed-in seq 5 permit 192.168.196.0/24 ge 32',
      'router: no neighbor 192.168.201.2 password',
    ]);
  });

  it('turns ranges into the covering CIDRs and refuses a bad pool or password without echoing it', () => {
    expect(
      poolMatches([{ addresses: '192.168.10.0-192.168.10.18' }, { addresses: '10.0.0.7/32' }]),
    ).to.deep.equal({
      4: ['192.168.10.0/28 ge 32', '192.168.10.16/31 ge 32', '192.168.10.18/32', '10.0.0.7/32'],
      6: [],
    });
    // MetalLB aggregationLength: the announced prefixes are /L, inside the block or covering it.
    expect(
      poolMatches([
        { addresses: '192.168.20.0/24', prefixLength: 28 },
        { addresses: '192.168.30.16/28', prefixLength: 24 },
        { addresses: 'fd00:1::/64', prefixLength: 64 },
      ]),
    ).to.deep.equal({
      4: ['192.168.20.0/24 ge 28 le 28', '192.168.30.0/24'],
      6: ['fd00:1::/64'],
    });
    expect(() => planNeighborChanges(EMPTY, policy({ importPools: [{ addresses: 'nope' }] }))).to.throw(
      RouterConfigValueError,
    );
    for (const bad of ['two words', 'quote"d', 'x'.repeat(81), 'new\nline']) {
      const err = (() => {
        try {
          planNeighborChanges(
            EMPTY,
            policy({ neighbors: [{ address: '192.168.201.2', remoteAs: 64500, password: bad }] }),
          );
        } catch (e) {
          return e as Error;
        }
        throw new Error('accepted a bad password');
      })();
      expect(err).to.be.instanceOf(RouterConfigValueError);
      expect(err.message).to.include('<redacted>').and.not.include(bad);
    }
  });

  it('a verification failure and a vtysh refusal name the step but not the password', async () => {
    const applyConfig = sinon.stub().resolves();
    const driver = {
      description: 'fake router',
      applyConfig,
      runningBgpConfig: sinon.stub().resolves(EMPTY),
      writeMemory: sinon.stub().resolves(),
    } as unknown as RouterDriver;
    const plan = planNeighborChanges(EMPTY, policy());
    const err = await applyNeighborPlan(driver, plan, policy(), {
      log: silentLog,
    }).then(
      () => undefined,
      (e: unknown) => e as NeighborVerificationError,
    );
    expect(err).to.be.instanceOf(NeighborVerificationError);
    expect(err?.message).to.include('password <redacted>').and.not.include(KEY);
    // What reached the router did carry the key.
    expect((applyConfig.firstCall.args[0] as string[]).join('\n')).to.include(`password ${KEY}`);

    const echoed = `configure terminal\nneighbor 192.168.201.2 password ${KEY}\n% Unknown command: neighbor 192.168.201.2 password ${KEY}\n`;
    const refusal = commandErrorFor(`neighbor 192.168.201.2 password ${KEY}`, echoed, 1);
    expect(refusal).to.not.equal(undefined);
    expect(`${refusal?.message} ${refusal?.command} ${refusal?.output}`).to.not.include(KEY);
  });
});

describe('router-drivers: import filter rollback', () => {
  it('rolls a new neighbor back with `no neighbor`, then removes the filter objects it created', () => {
    const plan = planNeighborChanges(EMPTY, policy({ importPools: [{ addresses: '192.168.197.0/24' }] }));
    expect(configLinesFor(plan.routerAs, plan.rollback)).to.deep.equal([
      'no route-map crs-managed-in permit 10',
      'no ip prefix-list crs-managed-in seq 5 permit 192.168.197.0/24 ge 32',
      'router bgp 64501',
      'no neighbor 192.168.201.2',
    ]);
  });
});
