import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsole } from '../shared/console/build';

/** `npm run console:build [dir]`: the console's files into a directory (default .data/console), with their sizes. */
const dir = resolve(process.argv[2] ?? '.data/console');
const assets = await buildConsole({ outDir: dir });
for (const [name, f] of assets.files) console.log(`${name.padEnd(28)} ${(f.body.length / 1024).toFixed(1)} KB, ${(gzipSync(f.body).length / 1024).toFixed(1)} KB gzipped`);
console.log(`→ ${dir}`);
