/**
 * Watches the Secrets that peers' passwordSecret name, so a new TCP-MD5 password (RFC 2385)
 * reaches a running `run`: one reflector per Secret, narrowed to it by a field selector.
 */
import type { Logger } from 'pino';
import type { KubeClient } from './kube-client.js';
import { Reflector } from './reflector.js';

export interface SecretName {
  namespace: string;
  name: string;
}

export class SecretWatch {
  private readonly reflectors = new Map<string, Reflector>();

  /** `changed`: a watched Secret was created, changed or deleted (after its first list). */
  constructor(
    private readonly client: KubeClient,
    private readonly changed: () => void,
    private readonly logger: Logger,
  ) {}

  /** Watches exactly these Secrets from now on; resolves once each new one is listed. */
  async watch(secrets: readonly SecretName[]): Promise<void> {
    const wanted = new Map(secrets.map((s) => [`${s.namespace}/${s.name}`, s]));
    for (const [key, reflector] of [...this.reflectors]) {
      if (wanted.has(key)) continue;
      this.reflectors.delete(key);
      await reflector.stop();
    }
    const started: Array<Promise<void>> = [];
    for (const [key, secret] of wanted) {
      if (this.reflectors.has(key)) continue;
      let listed = false;
      const reflector = new Reflector(
        this.client,
        {
          name: `secret ${key}`,
          path: `/api/v1/namespaces/${encodeURIComponent(secret.namespace)}/secrets`,
          query: { fieldSelector: `metadata.name=${secret.name}` },
        },
        {
          // The first list is the password run started with; only what follows is a change.
          onChange: () => {
            if (listed) this.changed();
          },
          onError: (err, resource) => this.logger.warn({ err, resource }, 'watching a password Secret'),
        },
      );
      this.reflectors.set(key, reflector);
      started.push(reflector.start().then(() => void (listed = true)));
    }
    await Promise.all(started);
  }

  async stop(): Promise<void> {
    const all = [...this.reflectors.values()];
    this.reflectors.clear();
    await Promise.all(all.map((r) => r.stop()));
  }
}
