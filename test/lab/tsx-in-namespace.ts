import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Starts `node --import tsx <args>` inside network namespace `ns`. A Node process cannot switch
 * namespaces itself, so the lab starts our TypeScript inside one through `ip netns exec`.
 */
export function spawnTsxIn(ns: string, args: string[], options: SpawnOptions): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', ...args], options);
}
