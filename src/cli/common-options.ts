import { Option, type Command } from 'commander';
import type { LiveSources } from '../app/check/live-cluster.js';
import { LOG_FORMATS, type LogFormat } from '../observability/log-text.js';
import type { ReportFormat } from '../reports/formats.js';
import { BadInputError } from '../util/errors.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const PLAIN_OUTPUTS = ['text', 'json'] as const;

/** Flags every working subcommand shares. */
export interface CommonOptions {
  /** Config files in the order given; merged (see docs/configuration.md). */
  configFiles: string[];
  manifestsPath?: string;
  kubeconfig?: string;
  logLevel: LogLevel;
  /** Unset: text on a terminal, JSON otherwise. */
  logFormat?: LogFormat;
  output: ReportFormat;
}

export function addCommonOptions(cmd: Command, outputs: readonly ReportFormat[]): Command {
  return cmd
    .option(
      '-c, --config <file>',
      'config file: our ClusterRouterSyncConfig, a MetalLB ConfigMap or MetalLB CRDs (repeatable; files are merged)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--manifests <path>',
      'read Services, EndpointSlices and Nodes from YAML manifests (file or directory) instead of a cluster',
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig of the cluster to read (default: in-cluster, then $KUBECONFIG)',
    )
    .addOption(new Option('--log-level <level>', 'log verbosity').choices(LOG_LEVELS).default('info'))
    .addOption(
      new Option(
        '--log-format <format>',
        'logs on stderr: text (one line per event) or json (one object per line); default text on a terminal, else json',
      ).choices(LOG_FORMATS),
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(outputs).default('text'));
}

/** Reads the shared flags out of commander's untyped option bag. */
export function commonOptionsFrom(raw: Record<string, unknown>): CommonOptions {
  const manifestsPath = raw.manifests as string | undefined;
  const kubeconfig = raw.kubeconfig as string | undefined;
  if (manifestsPath !== undefined && kubeconfig !== undefined) {
    throw new BadInputError(
      '--manifests and --kubeconfig cannot be used together: read manifests or a cluster',
    );
  }
  return {
    configFiles: (raw.config as string[] | undefined) ?? [],
    manifestsPath,
    kubeconfig,
    logLevel: raw.logLevel as LogLevel,
    ...(raw.logFormat === undefined ? {} : { logFormat: raw.logFormat as LogFormat }),
    output: raw.output as ReportFormat,
  };
}

/** The logger the flags ask for (createLogger's options). */
export function loggerOptionsFrom(opts: CommonOptions): { level: LogLevel; format?: LogFormat } {
  return { level: opts.logLevel, ...(opts.logFormat === undefined ? {} : { format: opts.logFormat }) };
}

/** Where `plan`, `verify` and `record` read the config and the cluster from. */
export function liveSourcesFrom(opts: CommonOptions): LiveSources {
  return {
    configFiles: opts.configFiles,
    ...(opts.manifestsPath === undefined ? {} : { manifestsPath: opts.manifestsPath }),
    ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
  };
}
