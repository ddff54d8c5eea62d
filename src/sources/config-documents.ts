/**
 * Configuration documents found among cluster objects (manifests or the API). Which objects are
 * configuration is the config loader's call (src/config isConfigObject: our own
 * ClusterRouterSyncConfig, a MetalLB ConfigMap, any metallb.io object); the sources only carry
 * the text there.
 */
export { isConfigObject } from '../config/index.js';

/** One configuration document, as text, for the config loader to parse and report on. */
export interface ConfigDocument {
  /** The manifest file, or `kubernetes:<kind>/<namespace>/<name>` for objects read from the API. */
  file: string;
  text: string;
}
