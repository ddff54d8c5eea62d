/**
 * deploy/: the Dockerfile (parsed; test/deploy/image.test.ts runs the image built from it), the
 * image's layout run as the image's user, and the Kustomize base rendered by the real kustomize
 * (`kubectl kustomize`) and accepted by a real kube-apiserver in a server-side dry run. That the
 * ServiceAccount's RBAC is exactly enough for the controller is test/k8s/kube-api.test.ts's job
 * (it applies deploy/rbac.yaml); here the rendered RBAC must be that file's objects unchanged.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfigDocuments } from '../../src/config/index.js';
import { requireApiServer, startApiServer, type ApiServer } from '../e2e/apiserver.js';
import { requireLab } from '../support/requirements.js';
import { builtApp, repoRoot } from './support/built-app.js';

const run = promisify(execFile);

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const start = i;
    let l = (lines[i] as string).trim();
    if (l === '' || l.startsWith('#')) continue;
    while (l.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      l = `${l.slice(0, -1).trimEnd()} ${(lines[i] as string).trim()}`;
    }
    const m = /^(\w+)\s+(.*)$/.exec(l);
    if (!m) throw new Error(`deploy/Dockerfile:${start + 1}: not an instruction: ${l}`);
    out.push({ line: start + 1, keyword: (m[1] as string).toUpperCase(), args: m[2] as string });
  }
  return out;
}

/** The instructions of each stage, in order. */
function stages(instructions: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') out.push([]);
    out.at(-1)?.push(ins);
  }
  return out;
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}

interface PodSpec {
  serviceAccountName: string;
  containers: {
    args: string[];
    securityContext: { runAsUser: number; runAsNonRoot: boolean; readOnlyRootFilesystem: boolean };
    volumeMounts: { name: string; mountPath: string }[];
  }[];
  volumes: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

function podSpec(deployment: K8sObject): PodSpec {
  return (deployment as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}

async function yamlObjects(text: string): Promise<K8sObject[]> {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

const dockerfile = readFile(join(repoRoot, 'deploy/Dockerfile'), 'utf8');
const pkg = readFile(join(repoRoot, 'package.json'), 'utf8').then(
  (t) => JSON.parse(t) as { bin: Record<string, string>; files: string[] },
);
const deploymentFile = readFile(join(repoRoot, 'deploy/deployment.yaml'), 'utf8').then(
  (t) => parse(t) as K8sObject,
);

describe('deploy/Dockerfile', () => {
  it('builds on node:20-slim by default in two stages and runs as a numeric non-root user, the Deployment’s', async () => {
    const instructions = dockerInstructions(await dockerfile);
    // The bases are build arguments (deploy/build-image.sh passes its own); node:20-slim unless given.
    const args = instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args);
    expect(args).to.include.members(['BUILD_BASE=node:20-slim', 'RUNTIME_BASE=node:20-slim']);
    const [build, final] = stages(instructions);
    expect(build?.[0]?.args).to.equal('${BUILD_BASE} AS build');
    expect(final?.[0]?.args).to.equal('${RUNTIME_BASE}');
    const users = (final ?? []).filter((i) => i.keyword === 'USER');
    expect(users).to.have.length(1);
    const [uid, gid] = (users[0]?.args ?? '').split(':').map(Number);
    expect(uid).to.be.a('number').and.above(0);
    expect(gid).to.be.above(0);
    const sc = podSpec(await deploymentFile).containers[0]?.securityContext;
    expect(sc).to.deep.include({ runAsUser: uid, runAsNonRoot: true, readOnlyRootFilesystem: true });
  });

  it('runs the package’s bin and copies everything the package publishes into /app', async () => {
    const final = stages(dockerInstructions(await dockerfile))[1] ?? [];
    const { bin, files } = await pkg;
    const entry = final.find((i) => i.keyword === 'ENTRYPOINT');
    expect(JSON.parse(entry?.args ?? 'null')).to.deep.equal(['node', `/app/${bin['cluster-router-sync']}`]);
    const workdir = final.find((i) => i.keyword === 'WORKDIR')?.args;
    expect(workdir).to.equal('/app');
    const copiedTo = final.filter((i) => i.keyword === 'COPY').map((i) => i.args.split(/\s+/).at(-1));
    for (const f of [...files, 'package.json', 'node_modules']) expect(copiedTo, f).to.include(`./${f}`);
  });

  it('copies from the build context only files that exist and the ignore file lets through', async () => {
    const ignore = (await readFile(join(repoRoot, 'deploy/Dockerfile.dockerignore'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignore[0], 'everything is excluded first').to.equal('**');
    const allowed = ignore.slice(1).map((l) => l.replace(/^!/, '').replace(/\/\*\*$/, ''));
    const fromContext = dockerInstructions(await dockerfile)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(fromContext.length).to.be.above(0);
    for (const src of fromContext) {
      expect(allowed, `${src} is excluded by deploy/Dockerfile.dockerignore`).to.include(src);
      await readFile(join(repoRoot, src)).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EISDIR') throw err;
      });
    }
  });

  it('@lab the image layout runs the demo as the image’s user, from another directory', async function () {
    this.timeout(300_000);
    requireLab(this, { root: true, commands: ['setpriv'] });
    const app = await builtApp();
    const users = dockerInstructions(await dockerfile).filter((i) => i.keyword === 'USER');
    const [uid, gid] = (users.at(-1)?.args ?? '').split(':');
    const { stdout } = await run(
      'setpriv',
      [
        `--reuid=${uid}`,
        `--regid=${gid}`,
        '--clear-groups',
        process.execPath,
        app.entry,
        'run',
        '--demo',
        '--once',
        '--log-level',
        'warn',
      ],
      { cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' } },
    );
    expect(stdout).to.match(/^OK: sessions 1 \(ok 1/m);
  });
});

describe('@lab deploy/kustomization.yaml against a real kube-apiserver (server-side dry run)', function () {
  this.timeout(180_000);
  let api: ApiServer | undefined;
  let rendered: K8sObject[] = [];

  before(async function () {
    requireLab(this, { commands: ['kubectl'] });
    requireApiServer(this);
    const { stdout } = await run('kubectl', ['kustomize', join(repoRoot, 'deploy')]);
    rendered = await yamlObjects(stdout);
    api = await startApiServer();
  });

  after(async () => {
    await api?.stop();
  });

  /** Resource path of an object, from the API server's discovery (no table of plurals here). */
  async function collection(o: K8sObject): Promise<string> {
    const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
    const list = await (api as ApiServer).adminRequest<{
      resources: { name: string; kind: string; namespaced: boolean }[];
    }>('GET', base);
    const r = list.resources.find((x) => x.kind === o.kind && !x.name.includes('/'));
    if (!r) throw new Error(`the API server serves no ${o.kind} in ${o.apiVersion}`);
    return r.namespaced
      ? `${base}/namespaces/${o.metadata.namespace ?? 'default'}/${r.name}`
      : `${base}/${r.name}`;
  }

  it('renders the namespace, the RBAC of deploy/rbac.yaml unchanged, the config and the Deployment', async () => {
    expect(rendered.map((o) => o.kind).sort()).to.deep.equal([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'Namespace',
      'Role',
      'RoleBinding',
      'ServiceAccount',
    ]);
    const rbac = await yamlObjects(await readFile(join(repoRoot, 'deploy/rbac.yaml'), 'utf8'));
    for (const o of rbac) expect(rendered).to.deep.include(o);
  });

  it('wires the Deployment to the generated config, the ServiceAccount and the key Secret', async () => {
    const deployment = rendered.find((o) => o.kind === 'Deployment') as K8sObject;
    const configMap = rendered.find((o) => o.kind === 'ConfigMap') as K8sObject & {
      data: Record<string, string>;
    };
    const spec = podSpec(deployment);
    expect(spec.serviceAccountName).to.equal(
      rendered.find((o) => o.kind === 'ServiceAccount')?.metadata.name,
    );
    const configVolume = spec.volumes.find((v) => v.configMap !== undefined);
    expect(configVolume?.configMap?.name)
      .to.equal(configMap.metadata.name)
      .and.match(/^cluster-router-sync-config-/);
    const mounts = spec.containers[0]?.volumeMounts ?? [];
    const configDir = mounts.find((m) => m.name === configVolume?.name)?.mountPath;
    expect(spec.containers[0]?.args).to.include(`--config=${configDir}/config.yaml`);

    const { config } = loadConfigDocuments([
      { file: 'config.yaml', text: configMap.data['config.yaml'] as string },
    ]);
    const keyDir = mounts.find((m) => m.name === spec.volumes.find((v) => v.secret)?.name)?.mountPath;
    const example = parse(
      await readFile(join(repoRoot, 'deploy/router-ssh-key.example.yaml'), 'utf8'),
    ) as K8sObject & {
      stringData: Record<string, string>;
    };
    expect(spec.volumes.find((v) => v.secret)?.secret?.secretName).to.equal(example.metadata.name);
    expect(config.router?.privateKeyFile).to.equal(`${keyDir}/id_ed25519`);
    expect(config.router?.knownHostsFile).to.equal(`${keyDir}/known_hosts`);
    expect(Object.keys(example.stringData).sort()).to.deep.equal(['id_ed25519', 'known_hosts']);
    expect(config.kubernetes.mode).to.equal('cluster');
  });

  it('is accepted by the API server: every object, and the example Secret, in a dry run', async () => {
    const server = api as ApiServer;
    // A dry run creates nothing, so the namespace the others live in is created for real first.
    for (const ns of rendered.filter((o) => o.kind === 'Namespace'))
      await server.adminRequest('POST', await collection(ns), ns);
    const example = parse(
      await readFile(join(repoRoot, 'deploy/router-ssh-key.example.yaml'), 'utf8'),
    ) as K8sObject;
    const accepted: string[] = [];
    for (const o of [...rendered.filter((x) => x.kind !== 'Namespace'), example]) {
      const answer = await server.adminRequest<K8sObject>(
        'POST',
        `${await collection(o)}?dryRun=All&fieldValidation=Strict`,
        o,
      );
      expect(answer.metadata.name).to.equal(o.metadata.name);
      accepted.push(`${o.kind}/${o.metadata.name}`);
    }
    expect(accepted).to.have.length(rendered.length);
    // Nothing but the namespace exists afterwards: it was a dry run.
    const deployments = await server.adminRequest<{ items: unknown[] }>(
      'GET',
      '/apis/apps/v1/namespaces/metallb-system/deployments',
    );
    expect(deployments.items).to.deep.equal([]);
  });
});
