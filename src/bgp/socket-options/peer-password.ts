import type { PeerConfig } from '../../config/model.js';
import { BadInputError } from '../../util/errors.js';

/** The one call of src/k8s's KubeClient this needs (a structural type keeps bgp free of k8s). */
export interface SecretReader {
  request<T>(method: 'GET', path: string): Promise<T>;
}

/** A peer's passwordSecret names a Secret or key that does not give a usable password. */
export class PeerPasswordSecretError extends BadInputError {
  constructor(
    readonly peer: string,
    readonly secret: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`peer ${peer}: passwordSecret ${secret}: ${reason}`, options);
  }
}

/**
 * The peer's TCP-MD5 password: `password` as given, or the value of `passwordSecret`'s key read
 * from the Kubernetes API (namespace defaulting to MetalLB's). Errors name the Secret and key,
 * never a value.
 */
export async function resolvePeerPassword(
  peer: Pick<PeerConfig, 'name' | 'password' | 'passwordSecret'>,
  client: SecretReader,
  defaultNamespace: string,
): Promise<string | undefined> {
  const ref = peer.passwordSecret;
  if (ref === undefined) return peer.password;
  const namespace = ref.namespace ?? defaultNamespace;
  const where = `${namespace}/${ref.name} key '${ref.key}'`;
  let secret: { data?: Record<string, string> };
  try {
    secret = await client.request<{ data?: Record<string, string> }>(
      'GET',
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(ref.name)}`,
    );
  } catch (err) {
    throw new PeerPasswordSecretError(peer.name, where, `cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const encoded = secret.data?.[ref.key];
  if (encoded === undefined)
    throw new PeerPasswordSecretError(peer.name, where, 'the Secret has no such key');
  const password = Buffer.from(encoded, 'base64').toString('utf8');
  if (password === '') throw new PeerPasswordSecretError(peer.name, where, 'the value is empty');
  return password;
}

/**
 * Every peer with its passwordSecret read into `password`, before the speaker adds any peer:
 * the speaker refuses a peer whose Secret was not resolved. The Secrets are read only when some
 * peer names one, so a config without them needs no Secret access.
 */
export async function resolvePeerPasswords<
  P extends Pick<PeerConfig, 'name' | 'password' | 'passwordSecret'>,
>(peers: readonly P[], client: () => SecretReader, defaultNamespace: string): Promise<P[]> {
  if (!peers.some((p) => p.passwordSecret !== undefined)) return [...peers];
  const reader = client();
  return Promise.all(
    peers.map(async (p) => {
      if (p.passwordSecret === undefined) return p;
      const password = await resolvePeerPassword(p, reader, defaultNamespace);
      return password === undefined ? p : { ...p, password };
    }),
  );
}
