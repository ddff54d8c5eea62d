import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `cluster-router-sync <args>` from src through tsx in a child process, as `npx
 * cluster-router-sync ...` would: stdout and stderr are real pipes, not terminals.
 */
export function cliChild(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `const { main } = await import(${JSON.stringify(`${root}src/cli/main.ts`)});
process.exitCode = await main(['node', 'cluster-router-sync', ...${JSON.stringify(args)}]);`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
