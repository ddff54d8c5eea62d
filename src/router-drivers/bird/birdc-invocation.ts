import { BadInputError } from '../../util/errors.js';
import type { CliInvocation } from '../cli-invocation.js';
import { RouterCommandError } from '../errors.js';
import { birdReplyLines } from './birdc-reply.js';

/**
 * `birdc -v <command words>`: one command per run (birdc runs the command its arguments spell and
 * exits; fed on standard input it echoes prompts and terminal escapes instead). `-v` keeps BIRD's
 * reply codes, which tell a refusal (8xxx, 9xxx) from an answer. birdc exits 1 after a refusal.
 */
export const birdcInvocation: CliInvocation = {
  program: 'birdc',
  args: (commands) => {
    if (commands.length !== 1)
      throw new BadInputError(`birdc runs one command per invocation, asked for ${commands.length}`);
    return ['-v', ...(commands[0] as string).split(' ').filter((w) => w !== '')];
  },
  split: (commands, stdout, exitStatus, stderr) => {
    const command = commands[0] as string;
    // A refusal raises its RouterCommandError with BIRD's words; an unreadable reply its parse error.
    birdReplyLines(command, stdout);
    if (exitStatus !== 0) {
      const why = stderr.trim().split('\n')[0] ?? '';
      throw new RouterCommandError(
        'exit-status',
        command,
        stdout,
        `birdc exited with status ${String(exitStatus)}${why === '' ? '' : `: ${why}`}`,
      );
    }
    return [stdout];
  },
};
