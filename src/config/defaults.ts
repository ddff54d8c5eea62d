/** Defaults shared by all three config forms (MetalLB's where MetalLB has one). */
export const DEFAULTS = {
  peerPort: 179,
  holdTimeSec: 90,
  keepaliveTimeSec: 30,
  connectTimeSec: 10,
  gracefulRestartTimeSec: 120,
  verifyIntervalSec: 60,
  neighborDescription: 'cluster-router-sync',
  listenPort: 179,
  sshPort: 22,
  vtyshPath: 'vtysh',
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 30_000,
  /** Far above a full Internet table in `show ip route` text (about 1M routes, ~100 MB is not). */
  maxOutputBytes: 64 * 1024 * 1024,
  aggregationLength: 32,
  aggregationLengthV6: 128,
  metallbNamespace: 'metallb-system',
  /** MetalLB reads a BGPPeer's password from this key of the referenced secret. */
  passwordSecretKey: 'password',
} as const;
