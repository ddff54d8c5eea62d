/**
 * Entry point of the demo's inner process: `run --demo --router frr` starts our CLI again inside
 * the speaker's network namespace (a Node process cannot switch namespaces itself).
 */
import { main } from '../cli/main.js';

process.exitCode = await main(process.argv);
