#!/usr/bin/env node
// The published CLI runs the compiled JavaScript in lib/ (`npm run build:cli`, run by `npm install`
// in a checkout and by `npm pack` before packing): no TypeScript loader at run time.
import { main } from '../lib/src/cli/main.js';

process.exitCode = await main(process.argv);
