import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { RouterAccess } from '../../src/config/model.js';
import { createRouterDriver } from '../../src/router-drivers/driver.js';
import { RecordedOutputMissingError } from '../../src/router-drivers/errors.js';
import { silentLog } from '../../src/util/log.js';

const dir = (p: string): string => fileURLToPath(new URL(`../../fixtures/${p}`, import.meta.url));
const access = (recordedDir: string, dialect: RouterAccess['dialect'] = 'auto'): RouterAccess => ({
  transport: 'recorded',
  recordedDir,
  port: 22,
  useAgent: false,
  dialect,
  vtyshPath: 'vtysh',
  connectTimeoutMs: 1000,
  commandTimeoutMs: 1000,
  maxOutputBytes: 1024 * 1024,
});

describe('router-drivers: driver over recorded outputs', () => {
  it('detects FRR 8.4.4 from show version and reads the JSON forms', async () => {
    const d = createRouterDriver(access(dir('frr-8.4.4')), silentLog);
    expect((await d.dialect()).name).to.equal('frr-json');
    expect((await d.bgpSummary())[0]?.peers.map((p) => [p.address, p.state])).to.deep.equal([
      ['192.168.201.11', 'Established'],
      ['192.168.201.12', 'Active'],
    ]);
    const routes = await d.bgpRoutes();
    expect(routes.map((r) => [r.prefix, r.nextHops.length])).to.deep.equal([
      ['192.168.197.0/32', 1],
      ['192.168.197.1/32', 1],
      ['192.168.197.2/32', 2],
      ['192.168.197.254/32', 1],
    ]);
    expect((await d.neighbors()).map((n) => n.address)).to.deep.equal(['192.168.201.11', '192.168.201.12']);
    expect((await d.runningBgpConfig()).bgp[0]?.asn).to.equal(64501);
    await d.close();
  });

  it('reads the seed capture with the text dialect when told it is Quagga, and names a missing capture', async () => {
    const d = createRouterDriver(access(dir('seed/router'), 'quagga'), silentLog);
    expect((await d.bgpRoutes()).map((r) => r.prefix)).to.deep.equal([
      '192.168.197.0/32',
      '192.168.197.1/32',
      '192.168.197.254/32',
    ]);
    const err = await d.bgpSummary().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RecordedOutputMissingError);
    expect((err as Error).message).to.contain('show_ip_bgp_summary.txt');
  });
});
