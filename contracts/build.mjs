// Compiles the contracts with solc-js (offline, the version pinned in package-lock.json) for the
// EVM version GovChain's genesis pins (cancun) and writes out/<Contract>.json {abi, bytecode}.
// `node build.mjs --check` fails if the committed artifacts differ from a fresh compile.
import fs from 'node:fs';
import path from 'node:path';
import solc from 'solc';

const dir = path.dirname(new URL(import.meta.url).pathname);
const sources = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(dir, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, contracts] of Object.entries(out.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object || c.abi.length === 0) continue; // interfaces and libraries
    const artifact = JSON.stringify({ contract: name, source: file, compiler: solc.version(), abi: c.abi, bytecode: '0x' + c.evm.bytecode.object }, null, 2) + '\n';
    const target = path.join(dir, 'out', `${name}.json`);
    if (check) {
      if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== artifact) {
        console.error(`stale: out/${name}.json (run: cd contracts && node build.mjs)`);
        stale++;
      }
    } else {
      fs.writeFileSync(target, artifact);
      console.log(`out/${name}.json`);
    }
  }
}
process.exit(stale ? 1 : 0);
