import { loadConfigDocuments, type LoadedConfig } from '../../src/config/load.js';

/** Test-side builders for the three config forms, so table rows show only what matters. */

export { configMap } from '../support/metallb-config.js';

export function ownConfig(body: string): string {
  return `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\n${body}`;
}

export function crd(kind: string, name: string, spec: string, apiVersion = 'metallb.io/v1beta1'): string {
  const indented = spec
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${indented}`;
}

export function load(text: string, file = 'x.yaml'): LoadedConfig {
  return loadConfigDocuments([{ file, text }]);
}
