/**
 * `npm run demo:frr -- [--once] [--withdraw-on-exit] [--manifests DIR] [--metrics-address H:P]`:
 * the seed scenario against a real FRR in two network namespaces (frr-demo.ts). A developer's
 * command, not the product's: it needs root, iproute2 and the host's FRR, which the shipped image
 * has none of, so it lives with the lab it is made of. Exit codes are the CLI's (src/util/errors).
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../src/observability/logger.js';
import { CrsError, ExitCode } from '../../src/util/errors.js';
import { runFrrDemo } from './frr-demo.js';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        once: { type: 'boolean', default: false },
        'withdraw-on-exit': { type: 'boolean', default: false },
        manifests: { type: 'string' },
        'metrics-address': { type: 'string' },
      },
    }));
  } catch (err) {
    process.stderr.write(`demo:frr: ${(err as Error).message}\n`);
    return ExitCode.BadInput;
  }
  try {
    return await runFrrDemo({
      logger: createLogger(),
      write: (text) => process.stdout.write(text),
      once: values.once,
      withdrawOnExit: values['withdraw-on-exit'],
      ...(values.manifests !== undefined ? { manifestsPath: values.manifests } : {}),
      ...(values['metrics-address'] !== undefined ? { metricsAddress: values['metrics-address'] } : {}),
    });
  } catch (err) {
    if (!(err instanceof CrsError)) throw err;
    process.stderr.write(`demo:frr: ${err.message}\n`);
    return err.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
