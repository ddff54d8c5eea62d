#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { main } from '../dist/cli/main.js';
import { exitWhenDone } from '../dist/cli/exit.js';

exitWhenDone(await main(process.argv));
