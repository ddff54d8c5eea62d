import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { LastGoodManifests, type ManifestsUpdate } from '../../src/sources/last-good-manifests.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';

const SERVICES = 'fixtures/seed/manifests/services.yaml';
const SLICES = 'fixtures/seed/manifests/endpointslices.yaml';
const servicesText = readFileSync(SERVICES, 'utf8');
const slicesText = readFileSync(SLICES, 'utf8');
const GRACE = 1000;

const names = (s: ClusterSnapshot) => s.services.map((x) => x.name);
const ALL = ['kubernetes', 'nginx', 'test-service', 'test-service-1', 'test-service-3'];

/** The seed's services.yaml without the document naming `name` (a cut at a document boundary). */
function withoutService(name: string): string {
  return servicesText
    .split('\n---\n')
    .filter((doc) => !new RegExp(`^  name: ${name}$`, 'm').test(doc))
    .join('\n---\n');
}

describe('manifests source: the last good state while files are rewritten', () => {
  let hold: LastGoodManifests;
  let first: ManifestsUpdate;
  beforeEach(() => {
    hold = new LastGoodManifests(GRACE);
    first = hold.next(
      [
        { file: SERVICES, text: servicesText },
        { file: SLICES, text: slicesText },
      ],
      0,
    );
  });
  const read = (services: string | undefined, now: number) =>
    hold.next(
      [
        ...(services === undefined ? [] : [{ file: SERVICES, text: services }]),
        { file: SLICES, text: slicesText },
      ],
      now,
    );

  it('hands the first read on as parsed', () => {
    expect(names(first.snapshot)).to.deep.equal(ALL);
    expect(first).to.deep.include({ held: [], keptFiles: [], problems: [] });
    expect(first.nextExpiry).to.equal(undefined);
  });

  it('keeps every object of a file emptied (0 bytes) until the grace period ends, then drops them', () => {
    const empty = read('', 100);
    expect(empty.snapshot).to.deep.equal(first.snapshot);
    expect(empty.held.map((h) => h.key)).to.deep.equal(ALL.map((n) => `default/${n}`));
    expect(empty.held.every((h) => h.reason === 'gone' && h.expires === 100 + GRACE)).to.equal(true);
    expect(empty.nextExpiry).to.equal(100 + GRACE);
    // Still empty, still inside the grace period: the clock runs from the first empty read.
    expect(names(read('', 100 + GRACE - 1).snapshot)).to.deep.equal(ALL);
    const after = read('', 100 + GRACE);
    expect(after.snapshot.services).to.deep.equal([]);
    expect(after.held).to.deep.equal([]);
    expect(after.snapshot.endpointSlices).to.deep.equal(first.snapshot.endpointSlices);
  });

  it('keeps the objects of a deleted file that comes back, and gives a second deletion a whole grace period', () => {
    expect(names(read(undefined, 10).snapshot)).to.deep.equal(ALL);
    const back = read(servicesText, 20);
    expect(back.held).to.deep.equal([]);
    expect(back.snapshot).to.deep.equal(first.snapshot);
    const again = read(undefined, 10 + GRACE);
    expect(names(again.snapshot)).to.deep.equal(ALL);
    expect(again.nextExpiry).to.equal(10 + 2 * GRACE);
    expect(read(undefined, 10 + 2 * GRACE).snapshot.services).to.deep.equal([]);
  });

  it('reads a file cut off inside a document (not YAML) as its last good contents until it parses', () => {
    const cut = servicesText.slice(
      0,
      servicesText.indexOf('ports:', servicesText.indexOf('name: nginx')) + 9,
    );
    const half = read(`${cut}\n  - {name: [`, 10);
    expect(half.snapshot).to.deep.equal(first.snapshot);
    expect(half.keptFiles).to.have.length(1);
    expect(half.keptFiles[0]).to.deep.include({ file: SERVICES, syntax: true });
    expect(half.problems).to.deep.equal([]);
    // Long after the grace period the last good contents still stand: the file is there, unreadable.
    expect(read(`${cut}\n  - {name: [`, 10 * GRACE).snapshot).to.deep.equal(first.snapshot);
    const fixed = read(servicesText.replace('port: 8080', 'port: 8081'), 10 * GRACE + 1);
    expect(fixed.keptFiles).to.deep.equal([]);
    expect(fixed.snapshot.services.flatMap((s) => s.ports.map((p) => p.port))).to.include(8081);
  });

  it('holds a service missing from a file cut at a document boundary, and drops it if it stays missing', () => {
    const cut = read(withoutService('test-service-3'), 0);
    expect(names(cut.snapshot)).to.deep.equal(ALL);
    expect(cut.held).to.deep.equal([
      { kind: 'Service', key: 'default/test-service-3', reason: 'gone', expires: GRACE },
    ]);
    expect(names(read(withoutService('test-service-3'), GRACE).snapshot)).to.deep.equal(
      ALL.filter((n) => n !== 'test-service-3'),
    );
  });

  it('keeps the last good version of an object that became invalid, for as long as it stays invalid', () => {
    const bad = servicesText.replace('loadBalancerIP: 192.168.197.254', 'loadBalancerIP: 192.168.197.999');
    const update = read(bad, 0);
    expect(update.problems.map((p) => p.field)).to.deep.equal(['spec.loadBalancerIP']);
    expect(update.held).to.deep.equal([
      { kind: 'Service', key: 'default/test-service-3', reason: 'invalid' },
    ]);
    expect(update.nextExpiry).to.equal(undefined);
    const later = read(bad, 100 * GRACE);
    expect(later.snapshot).to.deep.equal(first.snapshot);
  });

  it('applies additions and changes at once while something else is held', () => {
    const extra =
      '---\napiVersion: v1\nkind: Service\nmetadata: { name: aaa, namespace: default }\nspec: { type: LoadBalancer }\n';
    const text = withoutService('nginx').replace(
      'externalTrafficPolicy: Local',
      'externalTrafficPolicy: Cluster',
    );
    const update = read(`${text}${extra}`, 0);
    expect(names(update.snapshot)).to.deep.equal(['aaa', ...ALL]);
    expect(update.held.map((h) => h.key)).to.deep.equal(['default/nginx']);
    const policy = (s: ClusterSnapshot) =>
      s.services.find((x) => x.name === 'test-service')?.externalTrafficPolicy;
    expect([policy(first.snapshot), policy(update.snapshot)]).to.deep.equal(['Local', 'Cluster']);
  });

  it('never loses an object while any prefix of a file is read inside the grace period', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: servicesText.length }), { maxLength: 6 }), (cuts) => {
        const h = new LastGoodManifests(GRACE);
        const initial = h.next([{ file: SERVICES, text: servicesText }], 0);
        cuts.forEach((at, i) => {
          const update = h.next([{ file: SERVICES, text: servicesText.slice(0, at) }], i);
          expect(names(update.snapshot)).to.deep.equal(ALL);
        });
        const whole = h.next([{ file: SERVICES, text: servicesText }], cuts.length);
        expect(whole.held).to.deep.equal([]);
        expect(whole.snapshot).to.deep.equal(initial.snapshot);
      }),
      { numRuns: 100 },
    );
  });
});
