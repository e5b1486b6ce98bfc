// Bundles the console for the gateway: src/main/js/main.js (with uPlot and its stylesheet) into one
// app.js and one app.css, minified, plus the static files of src/main/ui, into the directory
// given as the first argument (Maven passes target/classes/io/canopy/console/ui) or dist/.
// No inline script or style anywhere: the gateway serves them under a strict Content-Security-Policy.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] || 'dist';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: 'src/main/js/main.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  outdir: out,
  legalComments: 'linked',
  logLevel: 'warning',
});
// uPlot is MIT-licensed: its notice travels with the copy.
cpSync('node_modules/uplot/LICENSE', join(out, 'licenses.txt'));
for (const name of readdirSync('src/main/ui')) {
  cpSync(join('src/main/ui', name), join(out, name));
}
let total = 0;
for (const name of readdirSync(out)) {
  total += statSync(join(out, name)).size;
}
console.log(`console: ${readdirSync(out).length} files, ${total} bytes in ${out}`);
