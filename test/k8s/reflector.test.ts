import { expect } from 'chai';
import { KubeConfig } from '@kubernetes/client-node';
import { createServer } from 'node:net';
import { KubeClient, KubeUnreachableError } from '../../src/k8s/kube-client.js';
import { Reflector, ReflectorStoppedError } from '../../src/k8s/reflector.js';
import { waitFor } from '../support/wait-for.js';

/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const addr = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  if (typeof addr !== 'object' || !addr) throw new Error('no port');
  return addr.port;
}

describe('k8s reflector without a server', () => {
  it('reports the unreachable server, keeps retrying, and a stop rejects the pending start', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `https://127.0.0.1:${await deadPort()}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const errors: Error[] = [];
    const reflector = new Reflector(
      new KubeClient(kc),
      { name: 'services', path: '/api/v1/services' },
      {
        onChange: () => expect.fail('nothing to change'),
        onError: (e) => errors.push(e),
        backoff: { initialMs: 10, maxMs: 40, jitter: 0 },
      },
    );
    const started = reflector.start();
    await waitFor('a few retries', () => errors.length >= 3);
    expect(errors[0]).to.be.instanceOf(KubeUnreachableError);
    expect(errors[0]?.message).to.match(/^GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/services\?limit=500: /);
    await reflector.stop();
    const outcome = await started.then(() => 'resolved').catch((e: unknown) => e);
    expect(outcome).to.be.instanceOf(ReflectorStoppedError);
    expect(reflector.synced).to.equal(false);
  });
});
