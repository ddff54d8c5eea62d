import { expect } from 'chai';
import sinon from 'sinon';
import type { PeerConfig } from '../../../src/config/model.js';
import {
  PeerPasswordSecretError,
  resolvePeerPassword,
  resolvePeerPasswords,
  type SecretReader,
} from '../../../src/bgp/socket-options/peer-password.js';

const VALUE = 's3cret-from-k8s';
const reader = (answer: unknown): { client: SecretReader; request: sinon.SinonStub } => {
  const request = sinon.stub();
  if (answer instanceof Error) request.rejects(answer);
  else request.resolves(answer);
  return { client: { request } as unknown as SecretReader, request };
};
const peer = { name: 'router', passwordSecret: { name: 'bgp-auth', key: 'password' } };

describe('bgp: peer password from a Kubernetes Secret', () => {
  it('reads the key of the Secret in the default (MetalLB) namespace', async () => {
    const { client, request } = reader({ data: { password: Buffer.from(VALUE).toString('base64') } });
    expect(await resolvePeerPassword(peer, client, 'metallb-system')).to.equal(VALUE);
    expect(request.firstCall.args).to.deep.equal([
      'GET',
      '/api/v1/namespaces/metallb-system/secrets/bgp-auth',
    ]);
  });

  it('uses the given namespace, and a plain password as it is', async () => {
    const { client, request } = reader({ data: { k: Buffer.from(VALUE).toString('base64') } });
    await resolvePeerPassword(
      { name: 'r', passwordSecret: { namespace: 'net', name: 'a', key: 'k' } },
      client,
      'x',
    );
    expect(request.firstCall.args[1]).to.equal('/api/v1/namespaces/net/secrets/a');
    expect(await resolvePeerPassword({ name: 'r', password: 'plain' }, client, 'x')).to.equal('plain');
  });

  for (const [what, answer] of [
    ['a missing key', { data: { other: 'eA==' } }],
    ['an empty value', { data: { password: '' } }],
    ['an API error', new Error('HTTP 403 Forbidden')],
  ] as const) {
    it(`refuses ${what} with a typed error naming the Secret, never a value`, async () => {
      const { client } = reader(answer);
      const err = await resolvePeerPassword(peer, client, 'metallb-system').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).to.be.instanceOf(PeerPasswordSecretError);
      expect(err?.message).to.include("metallb-system/bgp-auth key 'password'").and.include('peer router');
    });
  }

  it('resolves every peer before the speaker sees them, and asks for no client without Secrets', async () => {
    const { client, request } = reader({ data: { password: Buffer.from(VALUE).toString('base64') } });
    const connect = sinon.stub().returns(client);
    const peers: Pick<PeerConfig, 'name' | 'password' | 'passwordSecret'>[] = [
      peer,
      { name: 'plain', password: 'p' },
      { name: 'open' },
    ];
    const resolved = await resolvePeerPasswords(peers, connect, 'metallb-system');
    expect(resolved.map((p) => p.password)).to.deep.equal([VALUE, 'p', undefined]);
    expect(resolved[0]?.passwordSecret).to.deep.equal(peer.passwordSecret);
    expect(request.callCount).to.equal(1);

    const unused = sinon.stub();
    expect(await resolvePeerPasswords(peers.slice(1), unused, 'x')).to.deep.equal(peers.slice(1));
    expect(unused.called).to.equal(false);
  });

  it('fails the whole start on one unreadable Secret, naming it', async () => {
    const { client } = reader(new Error('HTTP 404 Not Found'));
    const err = await resolvePeerPasswords([peer], () => client, 'metallb-system').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).to.be.instanceOf(PeerPasswordSecretError);
    expect(err?.message).to.include("metallb-system/bgp-auth key 'password'");
  });
});
