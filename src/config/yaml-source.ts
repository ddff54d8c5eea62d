import { isScalar, LineCounter, parseAllDocuments, Scalar, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';
import { formatFieldPath, type PathSegment } from './field-path.js';

/** One YAML document of a config file, able to say on which line a field was written. */
export interface SourceDocument {
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  value: unknown;
  /** The YAML parser's own warnings (e.g. an unresolved tag), for the caller to report. */
  yamlWarnings: Array<{ line?: number; message: string }>;
  /** Line of the node at `path`, or of its nearest written ancestor. */
  lineOf(path: readonly PathSegment[]): number | undefined;
}

const NBSP = '\u00a0';

/**
 * Splits a file into its YAML documents. Throws ConfigError for a YAML syntax error (with its
 * line) and for non-breaking spaces, which YAML does not treat as blanks: text pasted from a web
 * page with U+00A0 indentation parses into nonsense, so it is refused with a pointed message.
 */
export function parseYamlDocuments(file: string, text: string): SourceDocument[] {
  rejectNonBreakingSpaces(file, text);
  return parseWithLineOffset(file, text, 0);
}

/**
 * Parses YAML embedded in a string field (the MetalLB ConfigMap's `data.config`). Lines are
 * mapped back to the outer file when the string is a block scalar (`config: |`), otherwise every
 * location points at the field holding the text.
 */
export function parseEmbeddedYaml(
  outer: SourceDocument,
  path: readonly PathSegment[],
  text: string,
): SourceDocument[] {
  const parsed = parsedDocs.get(outer);
  const node = parsed?.doc.getIn(path, true);
  let offset: number | undefined;
  if (parsed && isScalar(node) && node.range && isBlockScalar(node)) {
    offset = parsed.lineCounter.linePos(node.range[0]).line;
  }
  return parseWithLineOffset(outer.file, text, offset, outer.lineOf(path), formatFieldPath(path));
}

function isBlockScalar(node: Scalar): boolean {
  return node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
}

/** The yaml Document behind each SourceDocument, kept to locate text embedded in it. */
const parsedDocs = new WeakMap<SourceDocument, { doc: Document.Parsed; lineCounter: LineCounter }>();

/**
 * `lineOffset` undefined means the text's lines cannot be mapped to the file (a quoted string);
 * then `fallbackLine` (the line of the field holding the text) is used for every location.
 */
function parseWithLineOffset(
  file: string,
  text: string,
  lineOffset: number | undefined,
  fallbackLine?: number,
  embeddedIn = '',
): SourceDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const list = Array.isArray(docs) ? docs : [];
  const toLine = (offset: number): number | undefined =>
    lineOffset === undefined ? fallbackLine : lineCounter.linePos(offset).line + lineOffset;
  const issues: ConfigIssue[] = [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const firstLine = err.message.split('\n')[0] ?? err.message;
      issues.push({
        file,
        line: toLine(err.pos[0]),
        path: embeddedIn,
        reason: `is not valid YAML: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return list.map((doc, index) => {
    const source: SourceDocument = {
      file,
      index,
      value: toPlainValue(doc, file, toLine),
      yamlWarnings: doc.warnings.map((w) => ({
        line: toLine(w.pos[0]),
        message: w.message.split('\n')[0] ?? w.message,
      })),
      lineOf(path) {
        for (let n = path.length; n >= 0; n--) {
          const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
          const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
          if (range) return toLine(range[0]);
        }
        return undefined;
      },
    };
    parsedDocs.set(source, { doc, lineCounter });
    return source;
  });
}

/** Converts a document to plain JS; alias bombs and other conversion failures become ConfigErrors. */
function toPlainValue(
  doc: Document.Parsed,
  file: string,
  toLine: (offset: number) => number | undefined,
): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = doc.contents?.range ? toLine(doc.contents.range[0]) : undefined;
    throw new ConfigError([{ file, line, path: '', reason: `cannot be used: ${message}` }]);
  }
}

function rejectNonBreakingSpaces(file: string, text: string): void {
  if (!text.includes(NBSP)) return;
  const lines = text.split('\n');
  const affected = lines.filter((l) => l.includes(NBSP)).length;
  const index = lines.findIndex((l) => l.includes(NBSP));
  const column = (lines[index] ?? '').indexOf(NBSP) + 1;
  const more = affected > 1 ? ` (${affected} lines contain one)` : '';
  throw new ConfigError([
    {
      file,
      line: index + 1,
      path: '',
      reason:
        `a non-breaking space (U+00A0) was found at column ${column}${more}; YAML needs plain ` +
        'spaces for indentation and separators. This usually comes from copying YAML from a web ' +
        'page: replace every non-breaking space with a normal space.',
    },
  ]);
}
