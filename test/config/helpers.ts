import { loadConfigDocuments, type LoadedConfig } from '../../src/config/load.js';

/** Test-side builders for the three config forms, so table rows show only what matters. */

export function ownConfig(body: string): string {
  return `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\n${body}`;
}

/** A MetalLB ConfigMap around `config` (the text of data.config, unindented). */
export function configMap(config: string): string {
  const indented = config
    .split('\n')
    .map((l) => (l === '' ? l : `    ${l}`))
    .join('\n');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: metallb-system\n  name: config\ndata:\n  config: |\n${indented}`;
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
