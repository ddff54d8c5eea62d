import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BenchSuite } from './types.js';

// Runs every bench/*.bench.ts (or the ones named on the command line) and prints one Markdown table,
// ready to paste into docs/benchmarks.md with the machine line above it.
const only = process.argv.slice(2);
const dir = new URL('.', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const cpu = cpus()[0]?.model ?? 'unknown cpu';
process.stdout.write(
  `machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString()}\n\n`,
);
process.stdout.write(
  '| suite | figure | value | unit | target | met |\n| --- | --- | --- | --- | --- | --- |\n',
);
for (const file of files) {
  const mod = (await import(new URL(file, dir).href)) as { default: BenchSuite };
  const suite = mod.default;
  for (const row of await suite.run()) {
    const met = row.met === undefined ? '' : row.met ? 'yes' : 'no';
    const value = Number.isInteger(row.value) ? String(row.value) : row.value.toPrecision(4);
    process.stdout.write(
      `| ${suite.name} | ${row.name} | ${value} | ${row.unit} | ${row.target ?? ''} | ${met} |\n`,
    );
  }
}
