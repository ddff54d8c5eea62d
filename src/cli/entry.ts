/**
 * The CLI as a process: `bin/cluster-router-sync.js` loads it, and the FRR demo starts it again
 * inside the speaker's network namespace (a Node process cannot switch namespaces itself).
 */
import { exitWhenDone } from './exit.js';
import { main } from './main.js';

exitWhenDone(await main(process.argv));
