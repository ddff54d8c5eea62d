import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RouterCommandError, VtyshExitStatusError } from '../../src/router-drivers/errors.js';
import { parseRouteText } from '../../src/router-drivers/parse-route-text.js';
import { commandErrorFor } from '../../src/router-drivers/vtysh-errors.js';
import { EXCERPT_CHARS } from '../../src/util/excerpt.js';
import { cli } from '../cli/run-cli.js';
import { expectParseError } from './expect-parse-error.js';

/** 50 MiB: the size of the line that once wrote 100 MB to stderr. */
const HUGE = 50 * 1024 * 1024;
/** What the route line carries besides the huge next hop. */
const LINE_EXTRA = 59;
/** Generous room for the fixed words of a message around its two bounded quotes. */
const MESSAGE_LIMIT = 4 * EXCERPT_CHARS + 400;

/**
 * The FRR 8.4.4 capture's first route line (fixtures/check/in-sync-frr-text) with its next hop
 * replaced by `size` characters no parser knows: the parser quotes the line, and its reason
 * quotes the next hop, which is nearly all of the line.
 */
function routesWithHugeNextHop(size: number): string {
  return `B>* 192.168.197.0/32 [20/0] ${'v'.repeat(size)}, br-LAN201, weight 1, 3d13h00m\n`;
}

describe('error messages quote a bounded excerpt of unbounded input', () => {
  it('a router-output parse error: line number, excerpt and length, the whole line kept on the error', () => {
    const text = `\n${routesWithHugeNextHop(HUGE)}`;
    const e = expectParseError(() => parseRouteText(text), 2);
    expect(e.message.length).to.be.below(MESSAGE_LIMIT);
    expect(e.message).to.match(/^show ip route: line 2: /);
    expect(e.message).to.contain(`"B>* 192.168.197.0/32 [20/0] vvvv`);
    expect(e.message).to.contain(`(first ${EXCERPT_CHARS} of ${HUGE + LINE_EXTRA} characters)`);
    expect(e.lineText).to.have.length(HUGE + LINE_EXTRA);
    // The line is no own property, so a logger serialising the error does not copy it.
    expect(JSON.stringify({ ...e }).length).to.be.below(MESSAGE_LIMIT);
  });

  it('a short line is quoted whole, as before', () => {
    const e = expectParseError(() => parseRouteText('B>* 192.168.197.0/32 [20/0] bogus, x, 1d\n'), 1);
    expect(e.message).to.equal(
      'show ip route: line 1: unknown next hop "bogus": "B>* 192.168.197.0/32 [20/0] bogus, x, 1d"',
    );
  });

  it('a router refusal and a failed exit quote a bounded part of what vtysh printed', () => {
    const refused = commandErrorFor('show bgp summary', `% ${'x'.repeat(HUGE)}\n`);
    expect(refused).to.be.instanceOf(RouterCommandError);
    expect((refused as Error).message.length).to.be.below(MESSAGE_LIMIT);
    const failed = commandErrorFor('show bgp summary', '', 1, `${'y'.repeat(HUGE)}\n`);
    expect(failed).to.be.instanceOf(VtyshExitStatusError);
    expect((failed as Error).message.length).to.be.below(MESSAGE_LIMIT);
    expect((failed as Error).message).to.contain(`of ${HUGE} characters`);
    // What vtysh printed stays on the errors, off their enumerable properties.
    expect((refused as RouterCommandError).output).to.have.length(HUGE + 3);
    expect((failed as VtyshExitStatusError).stderr).to.have.length(HUGE + 1);
    for (const e of [refused, failed]) expect(JSON.stringify({ ...e }).length).to.be.below(MESSAGE_LIMIT);
  });

  describe('through the CLI (check over a directory)', function () {
    this.timeout(120_000);
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'crs-huge-line-'));
      await cp('fixtures/check/in-sync-frr-text', dir, { recursive: true });
      const file = join(dir, 'router', 'show_ip_route_bgp.txt');
      await writeFile(file, (await readFile(file, 'utf8')) + routesWithHugeNextHop(HUGE));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('exits 2 (bad input) with one short message naming the file and the line', async () => {
      const r = await cli('check', dir);
      expect(r.code).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr.length).to.be.below(MESSAGE_LIMIT + dir.length);
      expect(r.stderr).to.contain('show_ip_route_bgp.txt').and.contain('line 13');
      expect(r.stderr).to.contain(`of ${HUGE + LINE_EXTRA} characters`);
    });
  });
});
