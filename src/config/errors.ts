import { BadInputError } from '../util/errors.js';

/** One thing wrong with the configuration, located the way the user wrote it. */
export interface ConfigIssue {
  /** The file as given on the command line. */
  file: string;
  /** 1-based line in `file`, when the YAML node could be found. */
  line?: number;
  /** Field path as written by the user, e.g. `address-pools[0].addresses[1]`; empty for the file itself. */
  path: string;
  /** The offending value; undefined when the field is missing or the problem is the file. */
  value?: unknown;
  /** Why it is wrong, phrased to follow the value: `is not a CIDR or an address range`. */
  reason: string;
}

/** Renders `file:line: path: "value" reason`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const path = issue.path === '' ? '' : ` ${issue.path}:`;
  const value = issue.value === undefined ? '' : ` ${renderValue(issue.value)}`;
  return `${where}:${path}${value} ${issue.reason}`;
}

function renderValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * The configuration is invalid. Carries every issue found (loading does not stop at the first
 * one, so a user fixes a file in one go); the first issue's fields are exposed directly.
 */
export class ConfigError extends BadInputError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    if (issues.length === 0) throw new TypeError('ConfigError needs at least one issue');
    super(issues.map(formatConfigIssue).join('\n'));
    this.issues = issues;
  }

  get file(): string {
    return this.first.file;
  }
  get path(): string {
    return this.first.path;
  }
  get value(): unknown {
    return this.first.value;
  }
  get reason(): string {
    return this.first.reason;
  }

  private get first(): ConfigIssue {
    return this.issues[0] as ConfigIssue;
  }
}
