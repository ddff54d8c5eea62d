import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../util/errors.js';
import { RecordedOutputMissingError } from './errors.js';
import type { RouterTransport } from './transport.js';
import { commandErrorFor } from './vtysh-errors.js';

/** `show ip route bgp json` -> `show_ip_route_bgp_json.txt` (as in fixtures/frr-8.4.4/). */
export function recordedFileName(command: string): string {
  return `${command.trim().replace(/[ /]/g, '_')}.txt`;
}

/**
 * Answers `show` commands from a directory of captured outputs. It cannot change anything, so
 * configuration commands are refused outright instead of pretending to succeed.
 */
export function createRecordedTransport(dir: string): RouterTransport {
  return {
    description: `recorded ${dir}`,
    run: async (commands) => {
      const outputs: string[] = [];
      for (const command of commands) {
        if (!command.startsWith('show ')) {
          throw new BadInputError(
            `recorded router outputs (${dir}) cannot run ${JSON.stringify(command)}: only show commands`,
          );
        }
        const file = join(dir, recordedFileName(command));
        let output: string;
        try {
          output = await readFile(file, 'utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT')
            throw new RecordedOutputMissingError(command, file);
          throw err;
        }
        const error = commandErrorFor(command, output);
        if (error) throw error;
        outputs.push(output);
      }
      return outputs;
    },
    close: async () => {},
  };
}
