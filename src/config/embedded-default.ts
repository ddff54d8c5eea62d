import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The seed scenario shipped with the package (fixtures/seed): `run --demo` and `check` use it
 * when no config is given. Resolved from this module's location, which is two levels below the
 * package root both as src/config/*.ts (tsx) and as dist/config/*.js (compiled).
 */
export function embeddedDefaultDir(): string {
  return fileURLToPath(new URL('../../fixtures/seed/', import.meta.url)).replace(/[\\/]$/, '');
}

/** The seed's MetalLB ConfigMap, the config of the embedded default. */
export function embeddedDefaultConfigFile(): string {
  return path.join(embeddedDefaultDir(), 'metallb-config.yaml');
}
