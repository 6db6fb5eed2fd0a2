// Builds the portal bundle into crates/portal/assets (embedded in the node binary).
// Run: node portal/build.mjs (the README's commands do). Output is deterministic.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'crates', 'portal', 'assets');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'app.js')],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  legalComments: 'eof',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css', 'favicon.svg']) copyFileSync(join(here, 'src', f), join(out, f));
