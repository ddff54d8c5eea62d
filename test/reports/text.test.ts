import { expect } from 'chai';
import { renderMarkdown } from '../../src/reports/markdown.js';
import { renderText } from '../../src/reports/text.js';
import { awkwardVerification } from './verifications.js';

// ESC built at run time: a control character spelled in a regex trips no-control-regex.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

describe('text report', () => {
  it('has no escape codes unless colour is asked for', () => {
    expect(renderText(awkwardVerification(), { color: false })).to.not.match(ANSI);
    expect(renderText(awkwardVerification(), { color: true })).to.match(ANSI);
  });

  it('colour changes nothing but the escape codes', () => {
    const plain = renderText(awkwardVerification(), { color: false });
    expect(renderText(awkwardVerification(), { color: true }).replace(ANSI, '')).to.equal(plain);
  });

  it('puts further ECMP next hops on continuation lines, as vtysh does', () => {
    const lines = renderText(awkwardVerification(), { color: false }).split('\n');
    const at = lines.findIndex((l) => l.startsWith('B>*    10.0.0.1/32'));
    expect(lines[at]).to.match(
      /10\.1\.0\.1\s+10\.1\.0\.1\s+00:00:02\s+ecmp-incomplete\s+ns\/a&b\s+1 of 2 next hops/,
    );
    const next = lines[at + 1] as string;
    expect(next.trimStart()).to.match(/^10\.1\.0\.2\s+ns\/c$/);
    expect(next.indexOf('10.1.0.2')).to.equal((lines[at] as string).indexOf('10.1.0.1'));
  });

  it('shows a missing route with a dash for codes and next hops', () => {
    const line = renderText(awkwardVerification(), { color: false })
      .split('\n')
      .find((l) => l.includes('10.0.0.2/32'));
    expect(line).to.match(/^-\s+10\.0\.0\.2\/32\s+10\.1\.0\.1\s+-\s+missing\s+ns\/`tick`/);
  });

  it('lists notes and ends with the summary line', () => {
    const text = renderText(awkwardVerification(), { color: false });
    expect(text).to.contain('Notes:\n  ns/x: pool-exhausted');
    expect(text.trimEnd().split('\n').pop()).to.equal(
      'DRIFT: sessions 3 (ok 1, down 1, missing 1, restarting 0); routes 6 (ok 1, missing 1, wrong-nexthop 1, not-in-fib 1, unexpected 1, ecmp-incomplete 1)',
    );
  });
});

describe('Markdown report', () => {
  const md = renderMarkdown(awkwardVerification());

  it('leads with the verdict and lists the drifting routes before the folded full table', () => {
    expect(md.split('\n')[0]).to.equal('### cluster-router-sync verification: DRIFT');
    const drift = md.indexOf('#### Routes with drift');
    const all = md.indexOf('<details><summary>All 6 routes</summary>');
    expect(drift).to.be.greaterThan(0);
    expect(all).to.be.greaterThan(drift);
    expect(md.slice(drift, all)).to.not.contain('2001:db8::1/128');
  });

  it('keeps table cells in one piece: pipes escaped, line breaks flattened', () => {
    expect(md).to.contain('session is Idle (Admin) \\| <shut>');
    expect(md).to.contain('`ns/x`: pool-exhausted: no free IP in "default" second line');
    expect(md).to.contain("`ns/'tick'`");
    // Every row of a table has as many cell separators as its header.
    const tables = md.split(/\n(?!\|)/).map((block) => block.split('\n').filter((l) => l.startsWith('|')));
    for (const rows of tables.filter((t) => t.length > 0)) {
      const cells = rows.map((r) => r.replace(/\\\|/g, '').split('|').length);
      expect(new Set(cells).size, rows.join('\n')).to.equal(1);
    }
  });

  it('says OK for a clean run', () => {
    const v = awkwardVerification();
    v.summary.status = 'ok';
    expect(renderMarkdown(v).split('\n')[0]).to.equal('### cluster-router-sync verification: OK');
  });
});
