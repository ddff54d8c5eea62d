/**
 * docs/migrating-from-metallb.md's field tables, held to the config loader: a field marked `yes`
 * loads without an error or a warning about it; one documented as a warning gets a warning at its
 * path; one documented as an error is refused. Each field is set on a minimal valid object.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { ConfigError, loadConfigDocuments, type ConfigWarning } from '../../src/config/index.js';
import { POOL_ANNOTATION } from '../../src/k8s/status-writer.js';
import type { ServiceInfo } from '../../src/sync/cluster.js';
import { parseIp } from '../../src/ip/address.js';
import { readAllocationRequest } from '../../src/sync/planner/service-request.js';
import { repoRoot } from './support/built-app.js';

interface Row {
  table: string;
  field: string;
  status: string;
  notes: string;
}

/** The rows of every table under a `###` heading of the doc. */
function tableRows(text: string): Row[] {
  const rows: Row[] = [];
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('### ')) table = line.slice(4).trim();
    const cells = /^\|(.*)\|$/
      .exec(line.trim())?.[1]
      ?.split(' | ')
      .map((c) => c.trim());
    if (!cells || cells.length !== 3 || /^-+$/.test(cells[0] as string) || cells[1] === 'status') continue;
    const field = /^`([^`]+)`/.exec(cells[0] as string)?.[1];
    if (field) rows.push({ table, field, status: cells[1] as string, notes: cells[2] as string });
  }
  return rows;
}

const selector = [{ matchLabels: { zone: 'a' } }];
const SAMPLES: Record<string, unknown> = {
  addresses: ['10.0.0.0/24'],
  autoAssign: false,
  avoidBuggyIPs: true,
  'serviceAllocation.priority': 1,
  'serviceAllocation.namespaces': ['web'],
  'serviceAllocation.namespaceSelectors': selector,
  'serviceAllocation.serviceSelectors': selector,
  serviceSelectors: selector,
  myASN: 64500,
  peerASN: 64501,
  dynamicASN: 'external',
  peerAddress: '192.168.200.1',
  interface: 'eth0',
  sourceAddress: '192.168.200.2',
  peerPort: 1179,
  holdTime: '60s',
  keepaliveTime: '20s',
  connectTime: '5s',
  routerID: '10.0.0.1',
  password: 'secret',
  passwordSecret: { name: 'bgp-secret' },
  ebgpMultiHop: true,
  nodeSelectors: selector,
  bfdProfile: 'fast',
  vrf: 'red',
  disableMP: true,
  enableGracefulRestart: true,
  dualStackAddressFamily: true,
  ipAddressPools: ['a'],
  ipAddressPoolSelectors: selector,
  aggregationLength: 32,
  aggregationLengthV6: 128,
  localPref: 100,
  communities: ['64500:1'],
  peers: ['p'],
  'peer-address': '192.168.200.1',
  'peer-asn': 64501,
  'my-asn': 64500,
  'peer-port': 1179,
  'hold-time': '60s',
  'keepalive-time': '20s',
  'router-id': '10.0.0.1',
  'source-address': '192.168.200.2',
  'ebgp-multihop': true,
  'node-selectors': [{ 'match-labels': { zone: 'a' } }],
  'bfd-profile': 'fast',
  'bfd-profiles': [{ name: 'fast' }],
  'bgp-communities': { frontend: '64500:1' },
  name: 'a',
  protocol: 'layer2',
  'auto-assign': false,
  'avoid-buggy-ips': true,
  'aggregation-length': 32,
  'aggregation-length-v6': 128,
  localpref: 100,
};

type Obj = Record<string, unknown>;

/** Sets `a.b[].c` (arrays: their first element) in a nested object, creating what is missing. */
function setPath(target: Obj, path: string, value: unknown): void {
  const parts = path.split('.');
  let at: Obj = target;
  parts.forEach((raw, i) => {
    const key = raw.replace(/\[\]$/, '');
    const last = i === parts.length - 1;
    if (raw.endsWith('[]')) {
      const list = (at[key] as Obj[] | undefined) ?? [{}];
      at[key] = list;
      at = list[0] as Obj;
    } else if (last) at[key] = value;
    else at = (at[key] as Obj | undefined) ?? (at[key] = {});
  });
}

function sampleFor(field: string): unknown {
  const leaf = field.replace(/^spec\./, '').replace(/.*\]\./, '');
  const value = SAMPLES[leaf] ?? SAMPLES[leaf.split('.').at(-1) as string];
  if (value === undefined) throw new Error(`no sample value for ${field}`);
  return value;
}

const KINDS: Record<string, { kind: string; apiVersion: string; spec: Obj }> = {
  '`IPAddressPool`': {
    kind: 'IPAddressPool',
    apiVersion: 'metallb.io/v1beta1',
    spec: { addresses: ['10.0.1.0/24'] },
  },
  '`BGPPeer`': {
    kind: 'BGPPeer',
    apiVersion: 'metallb.io/v1beta2',
    spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.168.200.1' },
  },
  '`BGPAdvertisement`': { kind: 'BGPAdvertisement', apiVersion: 'metallb.io/v1beta1', spec: {} },
};

/** The documents that give a row's field a context: the object itself and what it refers to. */
function documentsFor(row: Row): { text: string; path: string } {
  if (row.table.startsWith('Legacy ConfigMap')) {
    const config: Obj = {
      peers: [{ 'peer-address': '192.168.200.1', 'peer-asn': 64501, 'my-asn': 64500 }],
      'address-pools': [{ name: 'a', protocol: 'bgp', addresses: ['10.0.0.0/24'] }],
    };
    setPath(config, row.field, sampleFor(row.field));
    return { text: stringify(config), path: row.field.replaceAll('[]', '[0]') };
  }
  const base = KINDS[row.table];
  if (!base) throw new Error(`no object for table ${row.table}`);
  const spec = structuredClone(base.spec);
  const fieldPath = row.field.replace(/ \(.*\)$/, '');
  // A field documented as refusing the object names the required field it replaces.
  const replaced = /error: `spec\.(\w+)` is required/.exec(row.notes)?.[1];
  if (replaced) delete spec[replaced];
  setPath(spec, fieldPath.replace(/^spec\./, ''), sampleFor(fieldPath));
  const objects = [
    {
      apiVersion: base.apiVersion,
      kind: base.kind,
      metadata: { name: base.kind === 'BGPPeer' ? 'p' : 'x', namespace: 'metallb-system' },
      spec,
    },
    ...(base.kind !== 'IPAddressPool'
      ? [
          {
            apiVersion: 'metallb.io/v1beta1',
            kind: 'IPAddressPool',
            metadata: { name: 'a', namespace: 'metallb-system' },
            spec: { addresses: ['10.0.0.0/24'] },
          },
        ]
      : []),
    ...(base.kind === 'BGPAdvertisement'
      ? [
          {
            apiVersion: 'metallb.io/v1beta2',
            kind: 'BGPPeer',
            metadata: { name: 'p', namespace: 'metallb-system' },
            spec: { myASN: 64500, peerASN: 64501, peerAddress: '192.168.200.1' },
          },
        ]
      : []),
  ];
  return { text: objects.map((o) => stringify(o)).join('---\n'), path: fieldPath };
}

function load(text: string): { warnings: ConfigWarning[]; error?: ConfigError } {
  try {
    return { warnings: loadConfigDocuments([{ file: 'doc.yaml', text }]).warnings };
  } catch (err) {
    if (err instanceof ConfigError) return { warnings: [], error: err };
    throw err;
  }
}

const at = (w: ConfigWarning, path: string): boolean =>
  w.path === path || w.path.startsWith(`${path}.`) || w.path.startsWith(`${path}[`);

describe('docs/migrating-from-metallb.md: the field tables match the config loader', () => {
  const rows = tableRows(readFileSync(join(repoRoot, 'docs/migrating-from-metallb.md'), 'utf8')).filter(
    (r) => r.table.startsWith('Legacy ConfigMap') || KINDS[r.table] !== undefined,
  );

  it('has the ConfigMap, IPAddressPool, BGPPeer and BGPAdvertisement tables', () => {
    expect(new Set(rows.map((r) => r.table.split(' ')[0]))).to.deep.equal(
      new Set(['Legacy', '`IPAddressPool`', '`BGPPeer`', '`BGPAdvertisement`']),
    );
    expect(rows.length).to.be.above(40);
  });

  for (const row of rows) {
    it(`${row.table.split(' ')[0]} ${row.field}: ${row.status}`, () => {
      const { text, path } = documentsFor(row);
      const { warnings, error } = load(text);
      if (row.notes.startsWith('error')) {
        expect(error, `${row.field} should be refused`).to.be.instanceOf(ConfigError);
        return;
      }
      expect(error?.message).to.equal(undefined);
      const mine = warnings.filter((w) => at(w, path));
      if (row.status === 'yes') expect(mine, 'a supported field gets no warning').to.deep.equal([]);
      if (row.notes.startsWith('warning'))
        expect(mine.length, `${row.field} is documented with a warning`).to.be.above(0);
      if (row.notes.includes('unknown field'))
        expect(mine.map((w) => w.message).join()).to.contain('unknown field');
    });
  }
});

describe('docs/migrating-from-metallb.md: the service annotations match the planner', () => {
  const rows = tableRows(readFileSync(join(repoRoot, 'docs/migrating-from-metallb.md'), 'utf8')).filter((r) =>
    r.field.startsWith('metallb.io/'),
  );
  const service = (annotations: Record<string, string>): ServiceInfo => ({
    namespace: 'default',
    name: 'web',
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Cluster',
    ipFamilies: [4],
    ipFamilyPolicy: 'SingleStack',
    selector: { app: 'web' },
    ports: [{ protocol: 'TCP', port: 80 }],
    labels: {},
    annotations,
    statusIngress: [],
  });
  /** What each annotation the table lists as read changes in the allocation request. */
  const effects: Record<string, [string, (annotations: Record<string, string>) => unknown, unknown]> = {
    'metallb.io/loadBalancerIPs': [
      '192.168.197.7',
      (a) => readAllocationRequest(service(a)).requested,
      [parseIp('192.168.197.7')],
    ],
    'metallb.io/address-pool': ['blue', (a) => readAllocationRequest(service(a)).requestedPool, 'blue'],
    'metallb.io/allow-shared-ip': ['k1', (a) => readAllocationRequest(service(a)).identity.sharingKey, 'k1'],
  };

  it('lists every annotation the planner reads and the one the status writer writes', () => {
    expect(rows.map((r) => r.field).sort()).to.deep.equal([...Object.keys(effects), POOL_ANNOTATION].sort());
  });

  for (const [name, [value, read, expected]] of Object.entries(effects)) {
    for (const prefix of ['metallb.io/', 'metallb.universe.tf/']) {
      const annotation = name.replace('metallb.io/', prefix);
      it(`${annotation} is read`, () => {
        expect(read({ [annotation]: value })).to.deep.equal(expected);
      });
    }
    it(`${name} wins over the metallb.universe.tf/ spelling`, () => {
      const other = name.replace('metallb.io/', 'metallb.universe.tf/');
      const otherValue = name.endsWith('loadBalancerIPs') ? '192.168.197.8' : 'other';
      expect(read({ [other]: otherValue, [name]: value })).to.deep.equal(expected);
    });
  }
});
