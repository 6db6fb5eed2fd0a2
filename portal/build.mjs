// Builds the portal bundle into crates/portal/assets (embedded in the node binary).
// Run: node portal/build.mjs (the README's commands do). Output is deterministic.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
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
for (const f of ['index.html', 'app.css', 'favicon.svg', 'pages.json']) copyFileSync(join(here, 'src', f), join(out, f));

// The digest of the sources this bundle was built from; a test of the portal crate recomputes it
// and fails if portal/src changed without a rebuild (the built assets are committed).
const digest = createHash('sha256');
const inputs = [...readdirSync(join(here, 'src')).sort().map((f) => ['src/' + f, join(here, 'src', f)]), ['package-lock.json', join(here, 'package-lock.json')]];
for (const [name, path] of inputs) digest.update(name).update('\0').update(readFileSync(path)).update('\0');
writeFileSync(join(out, 'SOURCE.sha256'), digest.digest('hex') + '\n');
