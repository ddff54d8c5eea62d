import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCheck } from '../../src/app/check/run-check.js';
import { runRecord } from '../../src/app/check/run-record.js';
import { runVerify } from '../../src/app/check/run-verify.js';
import type { RouterAccess } from '../../src/config/model.js';
import { createRecordedTransport, createRouterDriver } from '../../src/router-drivers/index.js';
import { silentLog } from '../../src/util/log.js';

const fixture = new URL('../../fixtures/check/in-sync-quagga/', import.meta.url).pathname;

type KubeObject = { kind: string; apiVersion: string; metadata: { namespace?: string } } & Record<
  string,
  unknown
>;

/** The fixture's objects, as the API would list them (items without kind/apiVersion). */
function fixtureObjects(): KubeObject[] {
  const files = [
    join(fixture, 'metallb-config.yaml'),
    ...readdirSync(join(fixture, 'manifests')).map((f) => join(fixture, 'manifests', f)),
  ];
  const objects: KubeObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const obj = doc.toJS() as KubeObject & { items?: KubeObject[] };
      if (obj === null) continue;
      objects.push(...(obj.kind === 'List' ? (obj.items ?? []) : [obj]));
    }
  }
  return objects;
}

/** A read-only fake API server on loopback: lists from the fixture, watches that stay open. */
function fakeApiServer(objects: KubeObject[]): Promise<Server> {
  const lists: Record<string, { kind: string; apiVersion: string; match: (o: KubeObject) => boolean }> = {
    '/api/v1/services': { kind: 'ServiceList', apiVersion: 'v1', match: (o) => o.kind === 'Service' },
    '/apis/discovery.k8s.io/v1/endpointslices': {
      kind: 'EndpointSliceList',
      apiVersion: 'discovery.k8s.io/v1',
      match: (o) => o.kind === 'EndpointSlice',
    },
    '/api/v1/nodes': { kind: 'NodeList', apiVersion: 'v1', match: (o) => o.kind === 'Node' },
    '/api/v1/namespaces': { kind: 'NamespaceList', apiVersion: 'v1', match: (o) => o.kind === 'Namespace' },
    '/api/v1/namespaces/metallb-system/configmaps': {
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      match: (o) => o.kind === 'ConfigMap',
    },
  };
  const open: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const list = lists[url.pathname];
    if (req.method !== 'GET' || list === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 404,
          reason: 'NotFound',
          message: `${url.pathname} not found`,
        }),
      );
      return;
    }
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      open.push(res);
      return;
    }
    const items = objects.filter(list.match).map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: list.kind,
        apiVersion: list.apiVersion,
        metadata: { resourceVersion: '7' },
        items,
      }),
    );
  });
  server.on('close', () => open.forEach((r) => r.end()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('verify and record against a Kubernetes API (fake server on loopback)', () => {
  let tmp: string;
  let server: Server;
  let kubeconfig: string;
  let config: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'crs-kube-'));
    server = await fakeApiServer(fixtureObjects());
    const { port } = server.address() as AddressInfo;
    kubeconfig = join(tmp, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: fake, cluster: { server: "http://127.0.0.1:' +
          port +
          '", insecure-skip-tls-verify: true } }]',
        'users: [{ name: fake, user: { token: t } }]',
        'contexts: [{ name: fake, context: { cluster: fake, user: fake } }]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    config = join(tmp, 'crs.yaml');
    writeFileSync(
      config,
      `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\nrouter:\n  transport: recorded\n  recordedDir: ${join(fixture, 'router')}\n  dialect: quagga\n`,
    );
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('verify reads the cluster (config from its MetalLB ConfigMap) and reports as check does', async () => {
    const r = await runVerify(
      { configFiles: [config], kubeconfig },
      (a: RouterAccess) => createRouterDriver(a, silentLog),
      {
        format: 'text',
      },
    );
    const offline = await runCheck(fixture, { format: 'text' });
    expect(r.error).to.equal(undefined);
    expect(r.exitCode).to.equal(0);
    expect(r.output).to.equal(offline.output);
  });

  it('record writes the API objects as manifests that check reads back', async () => {
    const dir = join(tmp, 'recording');
    const rec = await runRecord(
      { configFiles: [config], kubeconfig },
      (a) => createRecordedTransport(a.recordedDir as string),
      dir,
      silentLog,
    );
    expect(rec.error).to.equal(undefined);
    expect(readdirSync(join(dir, 'manifests')).sort()).to.deep.equal([
      'configmaps_config.yaml',
      'endpointslices.yaml',
      'nodes.yaml',
      'services.yaml',
    ]);
    const replay = await runCheck(dir, { format: 'text' });
    expect(replay.error).to.equal(undefined);
    expect(replay.output).to.equal((await runCheck(fixture, { format: 'text' })).output);
  });

  it('an unreachable API server is exit 3', async () => {
    const dead = join(tmp, 'dead-kubeconfig');
    writeFileSync(dead, readFileSync(kubeconfig, 'utf8').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    const r = await runVerify(
      { configFiles: [config], kubeconfig: dead },
      (a) => createRouterDriver(a, silentLog),
      {
        format: 'text',
      },
    );
    expect(r.exitCode).to.equal(3);
    expect(r.error).to.contain('127.0.0.1:1');
  });
});
