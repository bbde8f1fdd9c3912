// Bundles the widget into ../../../wwwroot/widget: launcher.js (the host page's widget.js), frame.js and frame.css
// (the chat inside the iframe), each also gzipped, and prints what a visitor downloads.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../../../wwwroot/widget');
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', platform: 'browser', target: ['es2020'] };
await build({ ...common, entryPoints: { launcher: join(here, 'src/launcher.js'), frame: join(here, 'src/frame.js') }, format: 'iife', outdir: out });
await build({ ...common, entryPoints: { frame: join(here, 'src/frame.css') }, outdir: out });

const sizes = {};
for (const name of ['launcher.js', 'frame.js', 'frame.css']) {
  const bytes = readFileSync(join(out, name));
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(join(out, name + '.gz'), gz);
  sizes[name] = { bytes: bytes.length, gzip: gz.length };
}
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const total = Object.values(sizes).reduce((s, f) => s + f.gzip, 0);
console.log(`Parley widget: launcher ${kb(sizes['launcher.js'].gzip)} gz, frame.js ${kb(sizes['frame.js'].gzip)} gz, frame.css ${kb(sizes['frame.css'].gzip)} gz; scripts and styles before the first message ${kb(total)} gz`);
if (sizes['launcher.js'].gzip > 10 * 1024) throw new Error('The launcher must stay within 10 KB gzipped.');
if (total > 58 * 1024) throw new Error('The widget must stay within 60 KB gzipped before the first message.');
