// Drives a GovChain node's /rpc with viem 2, unmodified: deploy, write, read, events, a revert
// with its reason, legacy and EIP-2930 transactions, a batch request, and the certificate
// precompile from Solidity. Usage: node viem.mjs <api-url> <dev-key-hex>; prints one JSON line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createPublicClient, createWalletClient, defineChain, http, parseAbiItem } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const [api, devKey] = process.argv.slice(2);
const artifact = (n) => JSON.parse(fs.readFileSync(new URL(`../out/${n}.json`, import.meta.url)));
const rpc = `${api}/rpc`;
const id = Number(BigInt((await (await fetch(rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }) })).json()).result));
const chain = defineChain({ id, name: 'GovChain dev', nativeCurrency: { name: 'none', symbol: 'NONE', decimals: 18 }, rpcUrls: { default: { http: [rpc] } } });
const transport = http(rpc, { batch: true });
const pub = createPublicClient({ chain, transport, pollingInterval: 100 });
const account = privateKeyToAccount(devKey);
const wallet = createWalletClient({ chain, transport, account });

const T = artifact('Token');
const deployHash = await wallet.deployContract({ abi: T.abi, bytecode: T.bytecode, args: ['ViemCoin', 500n] });
const deployed = await pub.waitForTransactionReceipt({ hash: deployHash, pollingInterval: 100 });
assert.equal(deployed.status, 'success');
const address = deployed.contractAddress;

const to = '0x00000000000000000000000000000000000000bb';
const hash = await wallet.writeContract({ address, abi: T.abi, functionName: 'transfer', args: [to, 120n] });
const r = await pub.waitForTransactionReceipt({ hash, pollingInterval: 100 });
assert.equal(r.status, 'success');
assert.equal(await pub.readContract({ address, abi: T.abi, functionName: 'balanceOf', args: [to] }), 120n);
const events = await pub.getLogs({ address, event: parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)'), fromBlock: 0n });
assert.equal(events.length, 2);
assert.equal(events[1].args.value, 120n);

// A revert's reason, as viem reports it.
await assert.rejects(pub.simulateContract({ account, address, abi: T.abi, functionName: 'transfer', args: [to, 10_000n] }), (e) => {
  assert.match(e.shortMessage, /insufficient balance/);
  return true;
});

// Legacy (EIP-155) and EIP-2930 transactions.
for (const type of ['legacy', 'eip2930']) {
  const h = await wallet.sendTransaction({ to, type, gas: 60_000n, gasPrice: 0n, ...(type === 'eip2930' ? { accessList: [] } : {}) });
  const rr = await pub.waitForTransactionReceipt({ hash: h, pollingInterval: 100 });
  assert.equal(rr.status, 'success', type);
  const t = await pub.getTransaction({ hash: h });
  assert.equal(t.type, type);
}

// The certificate precompile from Solidity: an unknown certificate is not in force.
const G = artifact('LicenceGate');
const gh = await wallet.deployContract({ abi: G.abi, bytecode: G.bytecode });
const gate = (await pub.waitForTransactionReceipt({ hash: gh, pollingInterval: 100 })).contractAddress;
assert.equal(await pub.readContract({ address: gate, abi: G.abi, functionName: 'check', args: ['00'.repeat(32)] }), false);
assert.equal(await pub.readContract({ address: gate, abi: G.abi, functionName: 'officialOf', args: [account.address] }), 'market');

const block = await pub.getBlock();
assert.equal(block.baseFeePerGas, 0n);
console.log(JSON.stringify({ token: address, gate, height: Number(r.blockNumber) }));
