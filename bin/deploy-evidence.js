#!/usr/bin/env node
// The published CLI runs the compiled JavaScript in lib/ (`npm run build:cli`, run by `npm install`
// in a checkout and by `npm pack` before packing): no TypeScript loader at run time.
import { main } from '../lib/src/cli/main.js';

// A reader that stops reading (`deploy-evidence export … | head`) is not an error of ours: stop
// writing, quietly, as other command-line tools do; any other stream error still surfaces.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);
