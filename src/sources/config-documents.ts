/**
 * Which Kubernetes objects are configuration rather than cluster state. The config loader
 * (src/config) owns the real answer; until it exports `isConfigObject`, this narrow check decides
 * which documents the sources hand on to it.
 */

/** One configuration document, as text, for the config loader to parse and report on. */
export interface ConfigDocument {
  /** The manifest file, or `kubernetes:<kind>/<namespace>/<name>` for objects read from the API. */
  file: string;
  text: string;
}

export const OWN_CONFIG_KIND = 'ClusterRouterSyncConfig';

export function isConfigObject(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  if (obj.kind === OWN_CONFIG_KIND || obj.kind === 'ConfigMap') return true;
  return typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('metallb.io/');
}
