/**
 * Events (events.k8s.io/v1) about any object, for what is not a Service decision: a refused
 * config change on the ConfigMap, CRD object or Secret it came from.
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from './kube-client.js';
import { replicaIdentity } from './leader-election.js';
import { microTime } from './micro-time.js';

export interface ObjectReference {
  apiVersion?: string;
  kind: string;
  namespace: string;
  name: string;
}

interface ObjectEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/**
 * The object a config document named `kubernetes:KIND/NAMESPACE/NAME` came from (the "file" of
 * its config errors, src/k8s/cluster-source.ts); undefined for a file on disk.
 */
export function configDocumentObject(file: string): ObjectReference | undefined {
  if (!file.startsWith('kubernetes:')) return undefined;
  const parts = file.slice('kubernetes:'.length).split('/');
  if (parts.length < 3) return undefined;
  const name = parts.pop()!;
  const namespace = parts.pop()!;
  const kind = parts.join('/');
  return kind === 'ConfigMap' || kind === 'configmaps'
    ? { apiVersion: 'v1', kind: 'ConfigMap', namespace, name }
    : { kind, namespace, name };
}

/** Posts one event about one object. */
export async function postObjectEvent(
  client: Pick<KubeClient, 'request'>,
  regarding: ObjectReference,
  event: ObjectEvent,
  reporter: { controller: string; instance?: string },
): Promise<void> {
  const ns = encodeURIComponent(regarding.namespace);
  await client.request('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
    body: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      // The object's name and a unique hex suffix, as client-go names events.
      metadata: {
        name: `${regarding.name}.${randomBytes(8).toString('hex')}`,
        namespace: regarding.namespace,
      },
      eventTime: microTime(new Date()),
      reportingController: reporter.controller,
      reportingInstance: reporter.instance ?? replicaIdentity(),
      action: event.action,
      reason: event.reason,
      type: event.type,
      // The API caps notes at 1 kB.
      note: event.note.slice(0, 1024),
      regarding,
    },
  });
}
