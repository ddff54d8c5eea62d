import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.js';

const SUBCOMMANDS = ['run', 'plan', 'verify', 'check', 'record', 'neighbors', 'version'];
const SEED = 'fixtures/seed/metallb-config.yaml';

describe('cli', () => {
  describe('--help', () => {
    for (const name of SUBCOMMANDS) {
      it(`${name} --help shows an example and the exit codes`, async () => {
        const { code, stdout } = await cli(name, '--help');
        expect(code).to.equal(0);
        expect(stdout).to.contain(`Usage: cluster-router-sync ${name}`);
        expect(stdout).to.match(new RegExp(`\\n\\s+\\$ cluster-router-sync ${name}\\b`));
        expect(stdout).to.contain('Exit codes:\n  0  success');
        expect(stdout).to.contain('  3  router or cluster unreachable');
      });
    }

    it('lists every subcommand at the top level', async () => {
      const { code, stdout } = await cli('--help');
      expect(code).to.equal(0);
      for (const name of SUBCOMMANDS) expect(stdout).to.match(new RegExp(`\\n  ${name} `));
    });

    it('documents the command-specific flags', async () => {
      expect((await cli('run', '--help')).stdout)
        .to.contain('--demo')
        .and.contain('--withdraw-on-exit')
        .and.contain('--metrics-address <host:port>');
      expect((await cli('neighbors', '--help')).stdout)
        .to.contain('--apply')
        .and.contain('--write-memory');
      const check = (await cli('check', '--help')).stdout.replace(/\s+/g, ' ');
      expect(check).to.contain('--expect <file>').and.contain('"junit", "markdown"');
      expect((await cli('plan', '--help')).stdout)
        .to.contain('choices: "text", "json",')
        .and.not.contain('junit');
    });
  });

  describe('plan', () => {
    it('prints the model of the seed ConfigMap as JSON', async () => {
      const { code, stdout, stderr } = await cli('plan', '--config', SEED, '--output', 'json');
      expect(code).to.equal(0);
      expect(stderr).to.equal('');
      const out = JSON.parse(stdout) as {
        config: { peers: Array<Record<string, unknown>>; pools: Array<Record<string, unknown>> };
        warnings: unknown[];
      };
      expect(out.warnings).to.deep.equal([]);
      expect(out.config.peers).to.have.length(1);
      expect(out.config.peers[0]).to.include({
        peerAddress: '192.168.200.1',
        peerAsn: 64501,
        myAsn: 64500,
        holdTimeSec: 90,
      });
      expect(out.config.pools).to.have.length(1);
      expect(out.config.pools[0]).to.include({ name: 'default', protocol: 'bgp' });
      expect(out.config.pools[0]?.addresses).to.deep.equal([
        { text: '192.168.197.0/24', family: 4, first: '192.168.197.0', last: '192.168.197.255' },
      ]);
    });

    it('prints a text summary, merging several --config files', async () => {
      const { code, stdout } = await cli('plan', '-c', 'fixtures/config/router-access.yaml', '-c', SEED);
      expect(code).to.equal(0);
      expect(stdout).to.contain('router: ssh crs@192.168.200.1:22, dialect quagga, vtysh vtysh\n');
      expect(stdout).to.contain(
        '  peer-192.168.200.1: 192.168.200.1 AS 64501, local AS 64500 (port 179, hold 90s, keepalive 30s)\n',
      );
      expect(stdout).to.contain('  default: bgp, 192.168.197.0/24 (auto-assign)\n');
    });

    it('prints warnings to stderr and still succeeds', async () => {
      const { code, stdout, stderr } = await cli('plan', '--config', 'fixtures/config/with-warnings.yaml');
      expect(code).to.equal(0);
      expect(stdout).to.contain('pools (1):');
      expect(stderr).to.equal(
        'warning: fixtures/config/with-warnings.yaml:13: peers[0].bfd-profile: BFD is not supported yet: the session runs without BFD\n' +
          'warning: fixtures/config/with-warnings.yaml:14: peers[0].hold-tme: unknown field, ignored\n',
      );
    });

    it('exits 2 when a --config file holds no config document', async () => {
      const { code, stderr } = await cli(
        'plan',
        '--config',
        SEED,
        '--config',
        'fixtures/seed/manifests/nodes.yaml',
      );
      expect(code).to.equal(2);
      expect(stderr).to.contain('fixtures/seed/manifests/nodes.yaml: has no config document');
    });

    it('exits 2 with the located message for an invalid config', async () => {
      const { code, stdout, stderr } = await cli(
        'plan',
        '--config',
        'fixtures/seed/original/metallb-config.nbsp.yaml',
      );
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.match(
        /^error: invalid configuration:\n {2}fixtures\/seed\/original\/metallb-config\.nbsp\.yaml:3: a non-breaking space \(U\+00A0\)/,
      );
    });

    it('exits 2 without a config', async () => {
      const { code, stderr } = await cli('plan');
      expect(code).to.equal(2);
      expect(stderr).to.equal(
        'error: plan: no config given: use --config FILE (repeatable), and --manifests PATH or --kubeconfig FILE to plan a cluster\n',
      );
    });
  });

  describe('exit codes for bad flags', () => {
    const cases: Array<[string, string[], string]> = [
      ['an unknown flag', ['plan', '--bogus'], "error: unknown option '--bogus'"],
      ['an unknown command', ['frobnicate'], "error: unknown command 'frobnicate'"],
      ['a bad --output', ['plan', '--output', 'junit'], "argument 'junit' is invalid"],
      ['a missing DIR', ['check'], "error: missing required argument 'dir'"],
      [
        'a bad --metrics-address',
        ['run', '--metrics-address', 'localhost'],
        '--metrics-address: "localhost" is not host:port',
      ],
      ['--write-memory without --apply', ['neighbors', '--write-memory'], '--write-memory needs --apply'],
      [
        '--manifests with --kubeconfig',
        ['verify', '--manifests', 'm', '--kubeconfig', 'k'],
        'cannot be used together',
      ],
    ];
    for (const [what, args, message] of cases) {
      it(`exits 2 for ${what}`, async () => {
        const { code, stderr } = await cli(...args);
        expect(code).to.equal(2);
        expect(stderr).to.contain(message);
      });
    }
  });

  describe('check', () => {
    it('checks the seed scenario and exits 0', async () => {
      const { code, stdout, stderr } = await cli('check', 'fixtures/seed');
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout).to.match(/^OK: sessions 2 \(ok 2,/m);
    });

    it('prints a JSON report with --output json', async () => {
      const { code, stdout } = await cli('check', 'fixtures/seed', '--output', 'json');
      expect(code).to.equal(0);
      expect(() => JSON.parse(stdout) as unknown).not.to.throw();
    });

    it('exits 1 when the report differs from --expect', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'crs-cli-'));
      try {
        const golden = join(dir, 'expected.txt');
        await writeFile(golden, 'FAIL: nothing matches\n');
        const { code, stderr } = await cli('check', 'fixtures/seed', '--expect', golden);
        expect(code).to.equal(1);
        expect(stderr).not.to.equal('');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('exits 2 for a missing directory', async () => {
      const { code, stderr } = await cli('check', 'fixtures/no-such-dir');
      expect(code).to.equal(2);
      expect(stderr).to.contain('fixtures/no-such-dir');
    });

    it('refuses --config, since DIR holds the config', async () => {
      const { code, stderr } = await cli('check', 'fixtures/seed', '--config', SEED);
      expect(code).to.equal(2);
      expect(stderr).to.equal(
        'error: check: --config cannot be used: DIR holds the config, the manifests and the router outputs\n',
      );
    });
  });

  it('version prints the version and exits 0', async () => {
    const { code, stdout } = await cli('version');
    expect(code).to.equal(0);
    expect(stdout).to.match(/^\d+\.\d+\.\d+\n$/);
  });
});
