import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { formatManifestProblem, parseManifests } from '../../src/sources/manifest-parse.js';
import { loadManifests } from '../../src/sources/manifests-source.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const readFixture = (name: string) => ({ file: name, text: readFileSync(fixture(name), 'utf8') });

describe('manifests source: parsing', () => {
  describe('the seed manifests (fixtures/seed/manifests)', () => {
    it('yields the seed snapshot: 3 nodes, 5 services, 4 slices', async () => {
      const load = await loadManifests('fixtures/seed/manifests');
      expect(load.problems).to.deep.equal([]);
      expect(load.configDocuments).to.deep.equal([]);
      expect(load.files).to.deep.equal([
        'fixtures/seed/manifests/endpointslices.yaml',
        'fixtures/seed/manifests/nodes.yaml',
        'fixtures/seed/manifests/services.yaml',
      ]);
      const s = load.snapshot;
      expect(s.nodes.map((n) => n.name)).to.deep.equal(['k8s-master', 'k8s-node1', 'k8s-node2']);
      expect(s.services.map((x) => x.name)).to.deep.equal([
        'kubernetes',
        'nginx',
        'test-service',
        'test-service-1',
        'test-service-3',
      ]);
      expect(s.endpointSlices.map((e) => e.name)).to.deep.equal([
        'nginx-7x2kq',
        'test-service-1-b6tzm',
        'test-service-3-9hd2c',
        'test-service-4jw8f',
      ]);
      expect(s.namespaces).to.deep.equal([]);
    });

    it('reads test-service-3 field by field, defaults included', async () => {
      const { snapshot } = await loadManifests('fixtures/seed/manifests/services.yaml');
      expect(snapshot.services.find((x) => x.name === 'test-service-3')).to.deep.equal({
        namespace: 'default',
        name: 'test-service-3',
        type: 'LoadBalancer',
        clusterIP: '10.101.244.47',
        loadBalancerIP: '192.168.197.254',
        externalTrafficPolicy: 'Local',
        ipFamilies: [4],
        ipFamilyPolicy: 'SingleStack',
        selector: { app: 'test-deployment' },
        ports: [{ name: 'http', protocol: 'TCP', port: 8080, nodePort: 32336 }],
        labels: {},
        annotations: {},
        statusIngress: [],
        creationTimestamp: '2026-11-24T11:53:46Z',
      });
      const kubernetes = snapshot.services.find((x) => x.name === 'kubernetes');
      expect(kubernetes?.type).to.equal('ClusterIP');
      expect(kubernetes?.externalTrafficPolicy).to.equal('Cluster');
      expect(kubernetes?.ports).to.deep.equal([{ name: 'https', protocol: 'TCP', port: 443 }]);
    });

    it('reads nodes and slices field by field', async () => {
      const { snapshot } = await loadManifests('fixtures/seed/manifests');
      expect(snapshot.nodes[0]).to.deep.equal({
        name: 'k8s-master',
        labels: {
          'kubernetes.io/hostname': 'k8s-master',
          'node-role.kubernetes.io/control-plane': '',
          'node.kubernetes.io/exclude-from-external-load-balancers': '',
        },
        internalIPs: ['192.168.201.10'],
        ready: true,
        unschedulable: false,
        networkUnavailable: false,
      });
      expect(snapshot.nodes[2]?.internalIPs).to.deep.equal(['192.168.201.12']);
      expect(snapshot.endpointSlices[0]).to.deep.equal({
        namespace: 'default',
        name: 'nginx-7x2kq',
        serviceName: 'nginx',
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.244.1.15'], ready: true, nodeName: 'k8s-node1' }],
      });
    });
  });

  it('reads a `kubectl get -o yaml` List with API-filled fields and hands the ConfigMap on', () => {
    const parsed = parseManifests([readFixture('kubectl-get-list.yaml')]);
    expect(parsed.problems).to.deep.equal([]);
    expect(parsed.snapshot.namespaces).to.deep.equal([
      { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'web' } },
    ]);
    const web = parsed.snapshot.services[0];
    expect(web).to.deep.include({
      uid: '6f1d2b8a-1c8e-4c1e-8f0f-d2c9a3f4e5b6',
      ipFamilies: [6, 4],
      ipFamilyPolicy: 'PreferDualStack',
      loadBalancerClass: 'example.com/crs',
      externalTrafficPolicy: 'Local',
      statusIngress: ['2001:db8:197::5', '192.168.197.5'],
      annotations: { 'metallb.io/address-pool': 'default' },
    });
    expect(web?.ports.map((p) => p.protocol)).to.deep.equal(['TCP', 'UDP']);
    expect(parsed.configDocuments).to.have.length(1);
    expect(parsed.configDocuments[0]?.file).to.equal('kubectl-get-list.yaml');
    expect(parsed.configDocuments[0]?.text).to.contain('kind: ConfigMap').and.contain('192.168.197.0/24');
  });

  it('hands on the seed MetalLB ConfigMap and own-config documents as text, untouched', () => {
    const text = readFileSync('fixtures/seed/metallb-config.yaml', 'utf8');
    const own = 'apiVersion: crs.example/v1\nkind: ClusterRouterSyncConfig\nrouter: { host: r1 }\n';
    const crd = 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: { name: p }\n';
    const parsed = parseManifests([
      { file: 'cm.yaml', text },
      { file: 'more.yaml', text: `${own}---\n${crd}` },
    ]);
    expect(parsed.configDocuments.map((d) => d.file)).to.deep.equal(['cm.yaml', 'more.yaml', 'more.yaml']);
    expect(parsed.configDocuments[0]?.text).to.contain('peer-address: 192.168.200.1');
    expect(parsed.configDocuments[1]?.text).to.contain('ClusterRouterSyncConfig');
    expect(parsed.configDocuments[2]?.text).to.contain('IPAddressPool');
  });

  it("leaves other applications' ConfigMaps alone (the config loader decides what is config)", () => {
    const other =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: nginx-conf, namespace: web }\ndata: { a: b }\n';
    const parsed = parseManifests([{ file: 'other.yaml', text: other }]);
    expect(parsed).to.deep.include({ configDocuments: [], problems: [] });
  });

  describe('bad objects', () => {
    const parsed = parseManifests([readFixture('bad-objects.yaml')]);

    it('reports each with file, document index, field and reason', () => {
      expect(parsed.problems.map(formatManifestProblem)).to.deep.equal([
        'bad-objects.yaml document 0 Service shop/bad-lb-ip: spec.loadBalancerIP: not an IP address',
        'bad-objects.yaml document 1 EndpointSlice shop/weird-slice: addressType: Invalid option: expected one of "IPv4"|"IPv6"|"FQDN"',
        'bad-objects.yaml document 2: kind: missing',
        'bad-objects.yaml document 6 Service shop/good: metadata.name: duplicate: already defined in bad-objects.yaml document 3',
        parsed.problems[4] ? formatManifestProblem(parsed.problems[4]) : 'missing YAML error',
      ]);
      expect(parsed.problems[4]).to.deep.include({ documentIndex: 7, field: '' });
      expect(parsed.problems[4]?.reason).to.match(/^YAML error at line \d+/);
    });

    it('skips them and keeps every good object', () => {
      expect(parsed.snapshot.services.map((s) => s.name)).to.deep.equal(['good']);
      expect(parsed.snapshot.services[0]?.loadBalancerIP).to.equal('192.168.197.10');
      expect(parsed.snapshot.endpointSlices).to.deep.equal([
        {
          namespace: 'shop',
          name: 'good-abcde',
          serviceName: 'good',
          addressType: 'IPv4',
          endpoints: [
            { addresses: ['10.244.3.7'], ready: false, nodeName: 'node-a' },
            { addresses: ['10.244.3.8'], ready: true },
          ],
        },
      ]);
      expect(parsed.snapshot.nodes).to.deep.equal([
        {
          name: 'node-a',
          labels: {},
          internalIPs: ['192.168.201.21', 'fd00::21'],
          ready: false,
          unschedulable: true,
          networkUnavailable: true,
        },
      ]);
    });

    it('rejects slice addresses of the wrong family and slices of no service', () => {
      const slice = (addressType: string, labels: Record<string, string>) =>
        stringify({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 's', labels },
          addressType,
          endpoints: [{ addresses: ['fd00::1'] }],
        });
      const wrongFamily = parseManifests([
        { file: 'a.yaml', text: slice('IPv4', { 'kubernetes.io/service-name': 'x' }) },
      ]);
      expect(wrongFamily.problems[0]).to.deep.include({
        field: 'endpoints.0.addresses.0',
        reason: "'fd00::1' is not an IPv4 address",
      });
      const orphan = parseManifests([{ file: 'b.yaml', text: slice('IPv6', {}) }]);
      expect(orphan.problems[0]?.field).to.equal('metadata.labels.kubernetes.io/service-name');
    });
  });

  it('never throws on arbitrary documents: each is an object, a problem, or ignored', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 4 }), (docs) => {
        const text = docs.map((d) => stringify(d)).join('---\n');
        const parsed = parseManifests([{ file: 'fuzz.yaml', text }]);
        for (const p of parsed.problems) expect(p.file).to.equal('fuzz.yaml');
      }),
    );
  });

  it('reads a file the same through the fast path as through `yaml` (forced by a %YAML directive)', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const kubeObject = fc.record({
      apiVersion: fc.constant('v1'),
      kind: fc.constantFrom('Service', 'EndpointSlice', 'Node', 'Namespace', 'Deployment'),
      metadata: fc.record({ name: label, namespace: label }),
      spec: fc.jsonValue(),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), kubeObject), { maxLength: 5 }), (docs) => {
        const text = docs.map((d) => stringify(d)).join('---\n# between documents\n');
        const fast = parseManifests([{ file: 'gen.yaml', text }]);
        const full = parseManifests([{ file: 'gen.yaml', text: `%YAML 1.2\n---\n${text}` }]);
        expect(fast.snapshot).to.deep.equal(full.snapshot);
        expect(fast.problems).to.deep.equal(full.problems);
        expect(fast.configDocuments.length).to.equal(full.configDocuments.length);
      }),
    );
  });

  it('hands on a config document as its source text; a file holding one is read by `yaml` alone', () => {
    const config = [
      '# our own config, comments kept',
      'apiVersion: cluster-router-sync.io/v1alpha1',
      'kind: ClusterRouterSyncConfig',
      'speaker: { listenAddress: 192.168.201.2 }',
      '',
    ].join('\n');
    const service = stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a', namespace: 'b' },
      spec: {},
    });
    const parsed = parseManifests([{ file: 'mixed.yaml', text: `${service}---\n${config}` }]);
    // `yaml` writes the document with its `---` marker, as it always has for these.
    expect(parsed.configDocuments).to.deep.equal([{ file: 'mixed.yaml', text: `---\n${config}` }]);
    expect(parsed.snapshot.services.map((s) => s.name)).to.deep.equal(['a']);
  });

  it('reports a YAML syntax error with its line and keeps the documents around it', () => {
    const svc = (name: string) =>
      stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'n' }, spec: {} });
    const text = `${svc('before')}---\nkind: Service\nmetadata: { name: [unclosed\n---\n${svc('after')}`;
    const parsed = parseManifests([{ file: 'broken.yaml', text }]);
    expect(parsed.problems.map(formatManifestProblem)).to.satisfy(
      (p: string[]) =>
        p.length === 1 && /^broken\.yaml document 1: YAML error at line \d+: /.test(p[0] ?? ''),
    );
    expect(parsed.snapshot.services.map((s) => s.name)).to.deep.equal(['after', 'before']);
  });

  it('round-trips generated services through YAML', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(
        fc.record({
          name: label,
          namespace: label,
          type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
          externalTrafficPolicy: fc.constantFrom('Cluster', 'Local'),
          port: fc.integer({ min: 1, max: 65535 }),
          loadBalancerIP: fc.option(fc.ipV4(), { nil: undefined }),
          selector: fc.dictionary(label, label, { maxKeys: 3 }),
        }),
        (g) => {
          const text = stringify({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: g.name, namespace: g.namespace },
            spec: {
              type: g.type,
              externalTrafficPolicy: g.externalTrafficPolicy,
              selector: g.selector,
              ports: [{ port: g.port }],
              ...(g.loadBalancerIP ? { loadBalancerIP: g.loadBalancerIP } : {}),
            },
          });
          const [svc] = parseManifests([{ file: 'gen.yaml', text }]).snapshot.services;
          expect(svc).to.deep.include({
            name: g.name,
            namespace: g.namespace,
            type: g.type,
            externalTrafficPolicy: g.externalTrafficPolicy,
            selector: g.selector,
            ports: [{ protocol: 'TCP', port: g.port }],
          });
          expect(svc?.loadBalancerIP).to.equal(g.loadBalancerIP);
        },
      ),
    );
  });
});
