import { createHash, createHmac } from 'node:crypto';

/** OpenSSH's fingerprint of a public key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: 'mismatch' | 'unknown'; detail: string };

/** The name OpenSSH looks up in known_hosts: `host` on port 22, `[host]:port` otherwise. */
function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(name);
}

function hostFieldMatches(field: string, name: string): boolean {
  let matched = false;
  for (const pattern of field.split(',')) {
    const hashed = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(pattern);
    if (hashed) {
      const mac = createHmac('sha1', Buffer.from(hashed[1] as string, 'base64'))
        .update(name)
        .digest('base64');
      if (mac === hashed[2]) matched = true;
      continue;
    }
    // `!pattern` excludes the host even if another pattern on the line matches it.
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
      continue;
    }
    if (globMatches(pattern, name)) matched = true;
  }
  return matched;
}

/**
 * Checks a presented host key against known_hosts text (plain, hashed `|1|salt|hash`, and
 * `[host]:port` entries, `@revoked` markers). `@cert-authority` lines are not supported and
 * never vouch for a key, so a router known only through a CA is reported as unknown.
 */
export function verifyAgainstKnownHosts(
  knownHosts: string,
  host: string,
  port: number,
  keyBlob: Buffer,
): HostKeyVerdict {
  const name = knownHostsName(host, port);
  let sawHost = false;
  let matched = false;
  for (const rawLine of knownHosts.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if ((fields[0] as string).startsWith('@')) marker = fields.shift();
    if (fields.length < 3 || marker === '@cert-authority') continue;
    const [hosts, , key] = fields as [string, string, string];
    if (!hostFieldMatches(hosts, name)) continue;
    const same = Buffer.from(key, 'base64').equals(keyBlob);
    if (marker === '@revoked') {
      if (same)
        return { ok: false, reason: 'mismatch', detail: `a key marked @revoked in known_hosts for ${name}` };
      continue;
    }
    sawHost = true;
    if (same) matched = true;
  }
  if (matched) return { ok: true };
  if (sawHost) return { ok: false, reason: 'mismatch', detail: `any key listed in known_hosts for ${name}` };
  return { ok: false, reason: 'unknown', detail: `known_hosts (no entry for ${name})` };
}

/** Checks a presented key against a pinned `SHA256:<base64>` fingerprint. */
export function verifyAgainstFingerprint(pinned: string, keyBlob: Buffer): HostKeyVerdict {
  const want = pinned.trim().replace(/=+$/, '');
  if (sshFingerprint(keyBlob) === want) return { ok: true };
  return { ok: false, reason: 'mismatch', detail: `the pinned fingerprint ${want}` };
}
