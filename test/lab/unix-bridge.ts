import { createServer, connect, type Server } from 'node:net';

/**
 * A TCP service listening on 127.0.0.1 of the root namespace (sshd, the kube-apiserver) cannot be
 * reached from a process in a lab namespace. A Unix socket crosses namespaces: the test forwards
 * it to the service's port, and the child forwards its own 127.0.0.1:<port> to it
 * (tcpToUnixScript), so addresses in configs and kubeconfigs stay 127.0.0.1:<port> and only
 * loopback is used.
 */
export function unixToTcp(path: string, port: number): Promise<Server> {
  const server = createServer((c) => {
    const upstream = connect(port, '127.0.0.1');
    c.pipe(upstream).pipe(c);
    // Either side gone ends both, so closing the bridge never waits on a half-open pair.
    c.on('error', () => upstream.destroy());
    upstream.on('error', () => c.destroy());
    c.on('close', () => upstream.destroy());
    upstream.on('close', () => c.destroy());
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

/**
 * ES module text for the child's side: listens on 127.0.0.1:<port> and forwards to the Unix
 * socket; the listening server is the top-level binding `bridgeName` (default `bridge`).
 */
export function tcpToUnixScript(port: number, path: string, bridgeName = 'bridge'): string {
  const net = `${bridgeName}Net`;
  return `const ${net} = await import('node:net');
const ${bridgeName} = ${net}.createServer((c) => {
  const up = ${net}.connect(${JSON.stringify(path)});
  c.pipe(up).pipe(c);
  c.on('error', () => up.destroy());
  up.on('error', () => c.destroy());
  c.on('close', () => up.destroy());
  up.on('close', () => c.destroy());
});
await new Promise((resolve) => ${bridgeName}.listen(${port}, '127.0.0.1', resolve));
`;
}
