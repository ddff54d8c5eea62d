import { expect } from 'chai';
import { cliChild } from '../support/cli-child.js';

describe('cli: --log-format', function () {
  this.timeout(90_000);

  it('text: the demo’s main events one line each, as a router log says them', async () => {
    const { code, stderr } = await cliChild(['run', '--demo', '--once', '--log-format', 'text']);
    expect(code).to.equal(0);
    const lines = stderr.trimEnd().split('\n');
    const time = '\\d\\d:\\d\\d:\\d\\d\\.\\d{3}';
    for (const l of lines)
      expect(l).to.match(new RegExp(`^${time} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \\S`));
    // The seed scenario (fixtures/seed): its collector stands in for 192.168.200.1 on loopback.
    expect(
      lines.some((l) => / INFO {2}BGP 127\.0\.0\.1 Established peer=peer-192\.168\.200\.1$/.test(l)),
    ).to.equal(true);
    expect(stderr).to.include(' INFO  announce 192.168.197.0/32 via 192.168.201.11 (default/nginx) peer=');
    expect(stderr).to.include(' INFO  allocation added default/nginx 192.168.197.0\n');
    expect(stderr).to.include(' INFO  router verified: ok, 0 findings (initial)\n');
  });

  it('json, and by default when stderr is not a terminal: one JSON object per line', async () => {
    for (const args of [['--log-format', 'json'], []]) {
      const { code, stderr } = await cliChild(['run', '--demo', '--once', ...args]);
      expect(code).to.equal(0);
      const records = stderr
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.map((r) => r.msg)).to.include('announce 192.168.197.0/32');
    }
  });

  it('refuses a format it does not know, naming the choices', async () => {
    const { code, stderr } = await cliChild(['run', '--demo', '--once', '--log-format', 'pretty']);
    expect(code).not.to.equal(0);
    expect(stderr).to.include("'pretty' is invalid");
    expect(stderr).to.include('text, json');
  });
});
