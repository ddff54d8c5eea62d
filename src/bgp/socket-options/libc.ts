import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { CrsError, ExitCode } from '../../util/errors.js';

/**
 * The only code that calls C: socket(2), setsockopt(2), bind(2) and close(2) from glibc through
 * koffi. Node's net module cannot set TCP_MD5SIG, IP_TTL or IP_MINTTL on a socket before it
 * connects, so we make the socket ourselves and hand the fd to libuv.
 */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer): void;
  bind(fd: number, sockaddr: Buffer): void;
  close(fd: number): void;
}

/** A libc call failed; `code` is the errno name (EPERM, EADDRINUSE...). */
class LibcCallError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
  ) {
    const code = errnoName(errno);
    super(`${call} failed: ${code}`);
    this.code = code;
  }
  readonly code: string;
}

function errnoName(errno: number): string {
  const found = Object.entries(constants.errno).find(([, v]) => v === errno);
  return found ? found[0] : `errno ${errno}`;
}

/**
 * This host cannot call libc: not Linux, or koffi (an optional dependency, needed only for TCP-MD5,
 * ebgp-multihop and ttl-security) is not installed or will not load.
 */
export class FfiUnavailableError extends CrsError {
  readonly exitCode = ExitCode.BadInput;
}

type CFunction = (...args: unknown[]) => unknown;
interface KoffiModule {
  load(path: string): { func(definition: string): CFunction };
  errno(): number;
}

let loaded: Libc | undefined;

function loadKoffi(): KoffiModule {
  try {
    return createRequire(import.meta.url)('koffi') as KoffiModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new FfiUnavailableError(
        'the optional dependency koffi is not installed (npm install koffi); TCP-MD5 passwords, ' +
          'ebgp-multihop and ttl-security need it',
        { cause: err },
      );
    }
    throw new FfiUnavailableError(`koffi will not load: ${(err as Error).message}`, { cause: err });
  }
}

function loadGlibc(koffi: KoffiModule): ReturnType<KoffiModule['load']> {
  try {
    return koffi.load('libc.so.6');
  } catch (err) {
    throw new FfiUnavailableError(`koffi cannot load libc.so.6: ${(err as Error).message}`, { cause: err });
  }
}

/** Loads glibc through koffi once; throws FfiUnavailableError off Linux or when koffi will not load. */
export function libc(): Libc {
  if (loaded) return loaded;
  if (process.platform !== 'linux') {
    throw new FfiUnavailableError(`needs Linux socket options, this is ${process.platform}`);
  }
  const koffi = loadKoffi();
  const lib = loadGlibc(koffi);
  const socketFn = lib.func('int socket(int domain, int type, int protocol)');
  const setsockoptFn = lib.func(
    'int setsockopt(int fd, int level, int name, const void *value, uint32_t len)',
  );
  const bindFn = lib.func('int bind(int fd, const void *addr, uint32_t len)');
  const closeFn = lib.func('int close(int fd)');
  const check = (call: string, rc: unknown): number => {
    if (typeof rc !== 'number' || rc < 0) throw new LibcCallError(call, koffi.errno());
    return rc;
  };
  loaded = {
    socket: (domain, type, protocol) => check('socket', socketFn(domain, type, protocol)),
    setsockopt: (fd, level, name, value) => {
      check('setsockopt', setsockoptFn(fd, level, name, value, value.length));
    },
    bind: (fd, sockaddr) => {
      check('bind', bindFn(fd, sockaddr, sockaddr.length));
    },
    close: (fd) => {
      check('close', closeFn(fd));
    },
  };
  return loaded;
}
