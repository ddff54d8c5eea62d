import { OWN_KIND } from './forms/own-config.js';

/** Which of the accepted forms a YAML document is, told apart by content, not file name. */
export type ConfigForm =
  | { form: 'own' }
  | { form: 'metallb-configmap' }
  | { form: 'metallb-legacy' }
  | { form: 'metallb-crd'; kind: string };

const LEGACY_KEYS = ['peers', 'address-pools', 'bgp-communities'];

export function detectConfigForm(value: unknown): ConfigForm | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const { apiVersion, kind } = obj;
  if (kind === OWN_KIND) return { form: 'own' };
  if (typeof apiVersion === 'string' && apiVersion.startsWith('metallb.io/') && typeof kind === 'string') {
    // Unsupported metallb.io versions still come here, to get a clear apiVersion error.
    return { form: 'metallb-crd', kind };
  }
  if (kind === 'ConfigMap') return isMetallbConfigMap(obj) ? { form: 'metallb-configmap' } : undefined;
  // The bare content of `data.config`, as MetalLB documents it.
  if (kind === undefined && apiVersion === undefined && LEGACY_KEYS.some((k) => k in obj)) {
    return { form: 'metallb-legacy' };
  }
  return undefined;
}

/**
 * A ConfigMap is MetalLB's when it lives in metallb-system or its `data.config` text has a
 * top-level MetalLB key; a manifests directory may hold other applications' ConfigMaps.
 */
function isMetallbConfigMap(obj: Record<string, unknown>): boolean {
  const data = obj.data as Record<string, unknown> | null | undefined;
  if (data === null || typeof data !== 'object' || !('config' in data)) return false;
  const meta = obj.metadata as Record<string, unknown> | null | undefined;
  if (meta?.namespace === 'metallb-system') return true;
  const text = data.config;
  return typeof text === 'string' && new RegExp(`^(${LEGACY_KEYS.join('|')})\\s*:`, 'm').test(text);
}

/**
 * True for documents the config loader owns: our ClusterRouterSyncConfig, a MetalLB ConfigMap,
 * any metallb.io object. A manifests directory loader routes these to loadConfigDocuments.
 */
export function isConfigObject(obj: unknown): boolean {
  return detectConfigForm(obj) !== undefined;
}
