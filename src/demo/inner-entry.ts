/**
 * Entry point of the demo's inner process: `run --demo --router frr` starts our CLI again inside
 * the speaker's network namespace (a Node process cannot switch namespaces itself).
 */
import { exitWhenDone } from '../cli/exit.js';
import { main } from '../cli/main.js';

exitWhenDone(await main(process.argv));
