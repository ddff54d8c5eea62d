import { readFile } from 'node:fs/promises';
import { detectConfigForm } from './detect.js';
import type { Fragment } from './drafts.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { fromConfigMap, fromLegacyConfig } from './forms/metallb-configmap.js';
import { fromCrd } from './forms/metallb-crds.js';
import { fromOwnConfig } from './forms/own-config.js';
import { IssueCollector, type Site } from './issues.js';
import type { Config, ConfigWarning } from './model.js';
import { resolveConfig } from './resolve.js';
import { parseYamlDocuments, type SourceDocument } from './yaml-source.js';

export interface ConfigText {
  /** Name used in messages, as the user gave it. */
  file: string;
  text: string;
}

export interface LoadedConfig {
  config: Config;
  warnings: ConfigWarning[];
}

/**
 * Loads one Config from YAML texts in any mix of the three forms (our own, the MetalLB
 * ConfigMap, MetalLB CRDs). Pure: no I/O. Throws ConfigError listing every problem found.
 */
export function loadConfigDocuments(texts: readonly ConfigText[]): LoadedConfig {
  const issues = new IssueCollector();
  const fragments: Fragment[] = [];
  for (const { file, text } of texts) {
    collectConfigErrors(issues, () => {
      const docs = parseYamlDocuments(file, text);
      let found = 0;
      for (const doc of docs) {
        if (doc.value === null || doc.value === undefined) continue;
        const fragment = fragmentOf(doc, issues);
        if (fragment) {
          found++;
          fragments.push(fragment);
        }
      }
      if (found === 0) {
        issues.errors.push({
          file,
          path: '',
          reason:
            'has no config document: want a ClusterRouterSyncConfig, a MetalLB ConfigMap or metallb.io objects (IPAddressPool, BGPPeer, ...)',
        });
      }
    });
  }
  const config = resolveConfig(fragments, issues);
  if (issues.errors.length > 0) throw new ConfigError(issues.errors);
  return { config, warnings: issues.warnings };
}

function fragmentOf(doc: SourceDocument, issues: IssueCollector): Fragment | undefined {
  const site: Site = { doc, path: [] };
  const form = detectConfigForm(doc.value);
  if (!form) {
    const kind = (doc.value as { kind?: unknown }).kind;
    const what = typeof kind === 'string' ? `a ${kind}` : 'not a config document';
    issues.warn(site, `document ${doc.index + 1} is ${what}, ignored`);
    return undefined;
  }
  switch (form.form) {
    case 'own':
      return fromOwnConfig(doc, issues);
    case 'metallb-configmap':
      return collectConfigErrors(issues, () => fromConfigMap(doc, issues));
    case 'metallb-legacy':
      return fromLegacyConfig(doc, issues);
    case 'metallb-crd':
      return fromCrd(doc, form.kind, issues);
  }
}

/** Runs `step`; a ConfigError it throws (YAML syntax) joins the collected issues instead. */
function collectConfigErrors<T>(issues: IssueCollector, step: () => T): T | undefined {
  try {
    return step();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.errors.push(...err.issues);
    return undefined;
  }
}

/** Reads and loads config files; every unreadable file is reported, not just the first. */
export async function loadConfigFiles(paths: readonly string[]): Promise<LoadedConfig> {
  const read = await Promise.all(
    paths.map(async (file): Promise<ConfigText | ConfigIssue> => {
      try {
        return { file, text: await readFile(file, 'utf8') };
      } catch (err) {
        return { file, path: '', reason: `cannot be read: ${describeReadError(err)}` };
      }
    }),
  );
  const failures = read.filter((r): r is ConfigIssue => 'reason' in r);
  if (failures.length > 0) throw new ConfigError(failures);
  return loadConfigDocuments(read as ConfigText[]);
}

function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
      return 'permission denied';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
