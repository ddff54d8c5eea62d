import type { RouterAccess } from '../config/model.js';
import { BadInputError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { createBirdDriverOn } from './bird/driver.js';
import { birdcInvocation } from './bird/birdc-invocation.js';
import { dialectFor, frrJsonDialect, textDialect, type RouterDialect } from './dialect.js';
import { parseRunningConfig } from './parse-running-config.js';
import { parseVersion } from './parse-version.js';
import type { RouterVersion } from './records.js';
import type { RouterTransport } from './transport.js';
import { createLocalTransport } from './transport-local.js';
import { createRecordedTransport } from './transport-recorded.js';
import type { RouterDriver } from './router-driver.js';
import { redactPasswordsIn } from './secret-text.js';
import { createSshTransport } from './transport-ssh.js';

/** A driver over any transport; `forced` skips `show version` detection. */
export function createDriverOn(
  transport: RouterTransport,
  log: Log,
  forced?: 'frr' | 'quagga' | 'bird',
): RouterDriver {
  if (forced === 'bird') return createBirdDriverOn(transport, log);
  let version: Promise<RouterVersion> | undefined;
  const run = async (commands: readonly string[]): Promise<string[]> => {
    log.debug({ router: transport.description, commands: commands.map(redactPasswordsIn) }, 'vtysh');
    return transport.run(commands);
  };
  const one = async (command: string): Promise<string> => (await run([command]))[0] as string;
  const getVersion = (): Promise<RouterVersion> => {
    if (version === undefined) {
      const asked = one('show version').then(parseVersion);
      version = asked;
      // A failed detection is not remembered: the caller gets the error, the next call asks again.
      asked.catch(() => {
        if (version === asked) version = undefined;
      });
    }
    return version;
  };
  const dialect = async (): Promise<RouterDialect> => {
    if (forced === 'frr') return frrJsonDialect;
    if (forced === 'quagga') return textDialect;
    return dialectFor(await getVersion());
  };
  return {
    description: transport.description,
    version: getVersion,
    dialect,
    bgpSummary: async () => {
      const d = (await dialect()).bgpSummary;
      return d.parse(await one(d.command));
    },
    bgpRoutes: async (family = 4) => {
      const d = (await dialect()).bgpRoutes(family);
      return d.parse(await one(d.command));
    },
    neighbors: async () => {
      const d = (await dialect()).neighbors;
      return d.parse(await one(d.command));
    },
    runningBgpConfig: async () => parseRunningConfig(await one('show running-config')),
    applyConfig: async (lines) => {
      log.info(
        { router: transport.description, lines: lines.map(redactPasswordsIn) },
        'applying router configuration',
      );
      await run(['configure terminal', ...lines, 'end']);
    },
    writeMemory: async () => {
      await one('write memory');
    },
    close: () => transport.close(),
  };
}

/** The driver the CLI asks for, from the config's `router:` section. */
export function createRouterDriver(access: RouterAccess, log: Log): RouterDriver {
  const forced = access.dialect === 'auto' ? undefined : access.dialect;
  return createDriverOn(createRouterTransport(access), log, forced);
}

/** The raw transport the config's `router:` section names; `record` keeps its bytes unparsed. */
export function createRouterTransport(access: RouterAccess): RouterTransport {
  switch (access.transport) {
    case 'recorded':
      if (access.recordedDir === undefined)
        throw new BadInputError('router.recordedDir is required for the recorded transport');
      return createRecordedTransport(access.recordedDir);
    case 'local':
      return createLocalTransport({
        vtyshPath: access.vtyshPath,
        commandTimeoutMs: access.commandTimeoutMs,
        maxOutputBytes: access.maxOutputBytes,
        ...(access.dialect === 'bird' ? { invocation: birdcInvocation } : {}),
      });
    case 'ssh': {
      if (access.host === undefined) throw new BadInputError('router.host is required for the ssh transport');
      const opts: Parameters<typeof createSshTransport>[0] = {
        host: access.host,
        port: access.port,
        user: access.user ?? 'root',
        vtyshPath: access.vtyshPath,
        connectTimeoutMs: access.connectTimeoutMs,
        commandTimeoutMs: access.commandTimeoutMs,
        maxOutputBytes: access.maxOutputBytes,
        ...(access.dialect === 'bird' ? { invocation: birdcInvocation } : {}),
      };
      if (access.privateKeyFile !== undefined) opts.privateKeyFile = access.privateKeyFile;
      if (access.useAgent && process.env.SSH_AUTH_SOCK !== undefined)
        opts.agentSocket = process.env.SSH_AUTH_SOCK;
      if (access.knownHostsFile !== undefined) opts.knownHostsFile = access.knownHostsFile;
      if (access.hostKeyFingerprint !== undefined) opts.hostKeyFingerprint = access.hostKeyFingerprint;
      return createSshTransport(opts);
    }
  }
}
