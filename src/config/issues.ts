import type { ConfigIssue } from './errors.js';
import { formatFieldPath, type PathSegment } from './field-path.js';
import type { ConfigWarning } from './model.js';
import type { SourceDocument } from './yaml-source.js';

/** Where something was written: a document and a path inside it. */
export interface Site {
  doc: SourceDocument;
  path: readonly PathSegment[];
}

export function childSite(site: Site, ...segments: PathSegment[]): Site {
  return { doc: site.doc, path: [...site.path, ...segments] };
}

/** `file:line` of a site, for messages that point at a second place. */
export function describeSite(site: Site): string {
  const line = site.doc.lineOf(site.path);
  return line === undefined ? site.doc.file : `${site.doc.file}:${line}`;
}

/** Collects every error and warning of one load, so the user sees all of them at once. */
export class IssueCollector {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigWarning[] = [];

  error(site: Site, reason: string, value?: unknown): void {
    this.errors.push({
      file: site.doc.file,
      line: site.doc.lineOf(site.path),
      path: formatFieldPath(site.path),
      value,
      reason,
    });
  }

  warn(site: Site, message: string): void {
    this.warnings.push({
      file: site.doc.file,
      line: site.doc.lineOf(site.path),
      path: formatFieldPath(site.path),
      message,
    });
  }
}

/** Renders a warning as `file:line: path: message`. */
export function formatConfigWarning(w: ConfigWarning): string {
  const where = w.line === undefined ? w.file : `${w.file}:${w.line}`;
  return w.path === '' ? `${where}: ${w.message}` : `${where}: ${w.path}: ${w.message}`;
}
