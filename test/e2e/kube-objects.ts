/** Test setup against the e2e API server: create objects from manifests, get account tokens. */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { ApiServer } from './apiserver.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Plural resource names of the kinds the tests create. */
const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  Node: 'nodes',
  ConfigMap: 'configmaps',
  Lease: 'leases',
};

export function collectionPath(apiVersion: string, kind: string, namespace?: string): string {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`test helper knows no plural for kind ${kind}`);
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}

export function objectPath(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${collectionPath(o.apiVersion, o.kind, o.metadata.namespace)}/${o.metadata.name}`;
}

export async function createObject<T = KubeObject>(api: ApiServer, o: KubeObject): Promise<T> {
  return api.adminRequest<T>('POST', collectionPath(o.apiVersion, o.kind, o.metadata.namespace), o);
}

/** Creates every object in a YAML file, in order. */
export async function applyManifestFile(api: ApiServer, file: string): Promise<KubeObject[]> {
  const docs = parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS() as KubeObject | null);
  const created: KubeObject[] = [];
  for (const o of docs) if (o) created.push(await createObject(api, o));
  return created;
}

/** A short-lived token for a ServiceAccount (TokenRequest API), as a pod would get mounted. */
export async function serviceAccountToken(api: ApiServer, namespace: string, name: string): Promise<string> {
  const res = await api.adminRequest<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  );
  return res.status.token;
}
