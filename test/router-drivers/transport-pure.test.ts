import { expect } from 'chai';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  BgpAlreadyRunningError,
  RecordedOutputMissingError,
  RouterCommandError,
  VtyshExitStatusError,
} from '../../src/router-drivers/errors.js';
import {
  sshFingerprint,
  verifyAgainstFingerprint,
  verifyAgainstKnownHosts,
} from '../../src/router-drivers/host-keys.js';
import { createRecordedTransport, recordedFileName } from '../../src/router-drivers/transport-recorded.js';
import {
  shellQuote,
  splitVtyshOutput,
  vtyshShellCommand,
} from '../../src/router-drivers/vtysh-invocation.js';
import { BadInputError } from '../../src/util/errors.js';

const FRR_DIR = fileURLToPath(new URL('../../fixtures/frr-8.4.4/', import.meta.url));

/** An ed25519 public key blob in SSH wire format, as a server presents it. */
function ed25519Blob(): Buffer {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const raw = der.subarray(der.length - 32);
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}

describe('router-drivers: vtysh batching, quoting, host keys, recorded outputs', () => {
  it('splits one `vtysh -E` run back into per-command outputs', () => {
    const stdout =
      'vm# show version\nFRRouting 8.4.4 (vm) on Linux.\nvm# show bgp summary json\n{}\nvm(config)# x\n';
    expect(splitVtyshOutput(['show version', 'show bgp summary json'], stdout, 0, '')).to.deep.equal([
      'FRRouting 8.4.4 (vm) on Linux.',
      '{}\nvm(config)# x\n',
    ]);
    const conf =
      'vm# configure terminal\nvm(config)# router bgp 64501\nvm(config-router)# neighbor 10.0.0.1 remote-as 1\nvm(config-router)# end\n';
    expect(
      splitVtyshOutput(
        ['configure terminal', 'router bgp 64501', 'neighbor 10.0.0.1 remote-as 1', 'end'],
        conf,
        0,
        '',
      ),
    ).to.deep.equal(['', '', '', '']);
  });
  it('reports the command vtysh stopped at, with its typed error', () => {
    const stdout =
      'vm# show bgp summary\nok\nvm# show ip route nonsense\n% Unknown command: show ip route nonsense\n\n';
    try {
      splitVtyshOutput(['show bgp summary', 'show ip route nonsense', 'show version'], stdout, 1, '');
      expect.fail('expected an error');
    } catch (err) {
      expect(err).to.be.instanceOf(RouterCommandError);
      expect((err as RouterCommandError).kind).to.equal('unknown-command');
      expect((err as RouterCommandError).command).to.equal('show ip route nonsense');
    }
    const wrongAs =
      'vm# configure terminal\nvm(config)# router bgp 64999\nBGP is already running; AS is 64501\n\n';
    try {
      splitVtyshOutput(
        ['configure terminal', 'router bgp 64999', 'neighbor 10.0.0.1 remote-as 1', 'end'],
        wrongAs,
        1,
        '',
      );
      expect.fail('expected an error');
    } catch (err) {
      expect(err).to.be.instanceOf(BgpAlreadyRunningError);
    }
    try {
      splitVtyshOutput(['show version'], '', 127, 'sh: 1: vtysh: not found\n');
      expect.fail('expected an error');
    } catch (err) {
      expect(err).to.be.instanceOf(VtyshExitStatusError);
      expect((err as VtyshExitStatusError).exitStatus).to.equal(127);
    }
  });
  it('shell-quotes every argument so /bin/sh hands vtysh exactly what we meant', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')),
          { maxLength: 5 },
        ),
        (args) => {
          const script = `printf '%s\\0' ${args.map(shellQuote).join(' ')}`;
          const out = args.length === 0 ? '' : execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
          expect(args.length === 0 ? [] : out.split('\0').slice(0, -1)).to.deep.equal(args);
        },
      ),
      { numRuns: 60 },
    );
    expect(vtyshShellCommand('/usr/bin/vtysh', ["show ip route'; reboot; '"])).to.equal(
      `'/usr/bin/vtysh' '-E' '-c' 'show ip route'\\''; reboot; '\\'''`,
    );
  });

  it('host keys: plain, [host]:port, hashed entries, mismatch and unknown', () => {
    const key = ed25519Blob();
    const other = ed25519Blob();
    const b64 = key.toString('base64');
    expect(verifyAgainstKnownHosts(`127.0.0.1 ssh-ed25519 ${b64}\n`, '127.0.0.1', 22, key)).to.deep.equal({
      ok: true,
    });
    expect(
      verifyAgainstKnownHosts(`[127.0.0.1]:2222 ssh-ed25519 ${b64}\n`, '127.0.0.1', 2222, key),
    ).to.deep.equal({ ok: true });
    // A port-22 entry does not vouch for another port.
    expect(verifyAgainstKnownHosts(`127.0.0.1 ssh-ed25519 ${b64}\n`, '127.0.0.1', 2222, key).ok).to.equal(
      false,
    );
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[router.example]:2200').digest('base64');
    const hashed = `|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${b64} comment\n`;
    expect(verifyAgainstKnownHosts(`# c\n\n${hashed}`, 'router.example', 2200, key)).to.deep.equal({
      ok: true,
    });
    const mismatch = verifyAgainstKnownHosts(hashed, 'router.example', 2200, other);
    expect(mismatch).to.deep.include({ ok: false, reason: 'mismatch' });
    expect(verifyAgainstKnownHosts(hashed, 'other.example', 2200, key)).to.deep.include({
      ok: false,
      reason: 'unknown',
    });
    expect(
      verifyAgainstKnownHosts(
        `@revoked * ssh-ed25519 ${b64}\n127.0.0.1 ssh-ed25519 ${b64}\n`,
        '127.0.0.1',
        22,
        key,
      ),
    ).to.deep.include({ ok: false, reason: 'mismatch' });
    expect(
      verifyAgainstKnownHosts(`@cert-authority * ssh-ed25519 ${b64}\n`, '127.0.0.1', 22, key),
    ).to.deep.include({ ok: false, reason: 'unknown' });
    expect(
      verifyAgainstKnownHosts(`10.*,!10.0.0.9 ssh-ed25519 ${b64}\n`, '10.0.0.9', 22, key),
    ).to.deep.include({ reason: 'unknown' });
    const fp = sshFingerprint(key);
    expect(fp).to.match(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(verifyAgainstFingerprint(fp, key)).to.deep.equal({ ok: true });
    expect(verifyAgainstFingerprint(`${fp}=`, key)).to.deep.equal({ ok: true });
    expect(verifyAgainstFingerprint(sshFingerprint(other), key)).to.deep.include({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('recorded: command -> file name as in fixtures/frr-8.4.4, typed errors for missing files and refusals', async () => {
    expect(recordedFileName('show ip route 192.168.197.2/32')).to.equal('show_ip_route_192.168.197.2_32.txt');
    expect(recordedFileName('show running-config')).to.equal('show_running-config.txt');
    const t = createRecordedTransport(FRR_DIR);
    const [version, json] = await t.run(['show version', 'show bgp summary json']);
    expect(version).to.match(/^FRRouting 8\.4\.4/);
    expect(JSON.parse(json as string)).to.have.property('ipv4Unicast');
    try {
      await t.run(['show bgp vrf all summary']);
      expect.fail('expected an error');
    } catch (err) {
      expect(err).to.be.instanceOf(RecordedOutputMissingError);
      expect((err as Error).message).to.contain('show_bgp_vrf_all_summary.txt');
    }
    try {
      await t.run(['show ip route nonsense']);
      expect.fail('expected an error');
    } catch (err) {
      expect((err as RouterCommandError).kind).to.equal('unknown-command');
    }
    try {
      await t.run(['configure terminal']);
      expect.fail('expected an error');
    } catch (err) {
      expect(err).to.be.instanceOf(BadInputError);
    }
  });
});
