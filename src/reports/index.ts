import type { Verification } from '../sync/verify/verification.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

import type { ReportFormat } from './formats.js';

export type { ReportFormat };

export interface RenderOptions {
  format: ReportFormat;
  /** Text only: ANSI colour, for a TTY. */
  color?: boolean;
}

export function renderReport(v: Verification, opts: RenderOptions): string {
  switch (opts.format) {
    case 'text':
      return renderText(v, { color: opts.color ?? false });
    case 'json':
      return renderJson(v);
    case 'junit':
      return renderJunit(v);
    case 'markdown':
      return renderMarkdown(v);
  }
}
