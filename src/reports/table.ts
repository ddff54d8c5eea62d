/**
 * Fixed-width tables the way vtysh prints them: columns padded with spaces, a cell may span
 * several lines (ECMP next hops go on continuation lines), the last column is never padded.
 */

import { maxOf } from '../util/arrays.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** One cell: one string per line. */
export type Cell = string[];

/** Styles a cell's text for display (colour); must not change the visible width. */
export type CellStyler = (rowIndex: number, columnIndex: number, text: string) => string;

export function renderTable(columns: Column[], rows: Cell[][], style?: CellStyler): string[] {
  const widths = columns.map((c, i) =>
    maxOf(
      c.header.length,
      rows.map((r) => maxLength(r[i] ?? [])),
    ),
  );
  const lines = [
    formatLine(
      columns,
      widths,
      columns.map((c) => c.header),
    ),
  ];
  rows.forEach((row, rowIndex) => {
    const height = maxOf(
      1,
      row.map((cell) => cell.length),
    );
    for (let k = 0; k < height; k++) {
      const texts = columns.map((_, i) => row[i]?.[k] ?? '');
      lines.push(formatLine(columns, widths, texts, (i, text) => (style ? style(rowIndex, i, text) : text)));
    }
  });
  return lines;
}

function maxLength(cell: Cell): number {
  return cell.reduce((m, s) => Math.max(m, s.length), 0);
}

function formatLine(
  columns: Column[],
  widths: number[],
  texts: string[],
  style: (i: number, text: string) => string = (_i, t) => t,
): string {
  const last = columns.length - 1;
  const parts = texts.map((t, i) => {
    const pad = i === last && columns[i]?.align !== 'right' ? 0 : (widths[i] as number) - t.length;
    const fill = ' '.repeat(Math.max(0, pad));
    if (t === '') return fill;
    // Colour wraps the text alone, so trailing padding stays plain and can be trimmed.
    return columns[i]?.align === 'right' ? `${fill}${style(i, t)}` : `${style(i, t)}${fill}`;
  });
  return parts.join('  ').trimEnd();
}
