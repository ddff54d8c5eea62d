import { appendAll } from '../util/arrays.js';
import { readFile } from 'node:fs/promises';
import { detectConfigForm, type ConfigForm } from './detect.js';
import type { Fragment } from './drafts.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { fromConfigMap, fromLegacyConfig } from './forms/metallb-configmap.js';
import { fromCrd } from './forms/metallb-crds.js';
import { fromOwnConfig } from './forms/own-config.js';
import { IssueCollector } from './issues.js';
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
        for (const w of doc.yamlWarnings)
          issues.warnings.push({ file, line: w.line, path: '', message: w.message });
        if (doc.value === null || doc.value === undefined) continue;
        const form = detectConfigForm(doc.value);
        if (!form) {
          ignoreDocument(doc, issues);
          continue;
        }
        found++;
        const fragment = collectConfigErrors(issues, () => fragmentOf(doc, form, issues));
        if (fragment) fragments.push(fragment);
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
  const order = inFileOrder(texts.map((t) => t.file));
  if (issues.errors.length > 0) throw new ConfigError(order(issues.errors));
  return { config, warnings: order(issues.warnings) };
}

/** Sorts findings by file (as given) then line, the order a user reads and fixes them in. */
function inFileOrder(files: readonly string[]) {
  const rank = new Map(files.map((f, i) => [f, i]));
  return <T extends { file: string; line?: number }>(list: readonly T[]): T[] =>
    [...list].sort(
      (a, b) => (rank.get(a.file) ?? 0) - (rank.get(b.file) ?? 0) || (a.line ?? 0) - (b.line ?? 0),
    );
}

function ignoreDocument(doc: SourceDocument, issues: IssueCollector): void {
  const kind = (doc.value as { kind?: unknown }).kind;
  const what = typeof kind === 'string' ? `a ${kind}` : 'not a config document';
  issues.warn({ doc, path: [] }, `document ${doc.index + 1} is ${what}, ignored`);
}

function fragmentOf(doc: SourceDocument, form: ConfigForm, issues: IssueCollector): Fragment {
  switch (form.form) {
    case 'own':
      return fromOwnConfig(doc, issues);
    case 'metallb-configmap':
      return fromConfigMap(doc, issues);
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
    appendAll(issues.errors, err.issues);
    return undefined;
  }
}

/**
 * Reads and loads config files (plus `extra` documents, e.g. the cluster's MetalLB config);
 * every unreadable file is reported, not just the first.
 */
export async function loadConfigFiles(
  paths: readonly string[],
  extra: readonly ConfigText[] = [],
): Promise<LoadedConfig> {
  return loadConfigDocuments([...(await readConfigFiles(paths)), ...extra]);
}

/** Reads config files as they are now; every unreadable file is reported, not just the first. */
export async function readConfigFiles(paths: readonly string[]): Promise<ConfigText[]> {
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
  return read as ConfigText[];
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
