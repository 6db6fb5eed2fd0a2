// Drives a GovChain node's /rpc with ethers 6, unmodified: deploy, call, events (eth_getLogs and
// the node's SSE stream), a revert with its reason, a transaction over its gas limit, an unbound
// sender refused, a transaction for another chain id refused, a storage slot read.
// Usage: node ethers.mjs <api-url> <dev-key-hex> <unbound-key-hex>; prints one JSON line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ethers } from 'ethers';

const [api, devKey, strangerKey] = process.argv.slice(2);
const artifact = (n) => JSON.parse(fs.readFileSync(new URL(`../out/${n}.json`, import.meta.url)));
// Blocks come every 50 ms: ethers' 250 ms request cache would hand out a stale nonce.
const provider = new ethers.JsonRpcProvider(`${api}/rpc`, undefined, { cacheTimeout: -1 });
provider.pollingInterval = 100;
const wallet = new ethers.Wallet(devKey, provider);

// The node's event stream, read from before the first transaction.
const events = [];
const sse = await fetch(`${api}/v1/events`);
const reader = sse.body.getReader();
(async () => {
  const dec = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    events.push(dec.decode(value));
  }
})().catch(() => {});

const net = await provider.getNetwork();
const T = artifact('Token');
const factory = new ethers.ContractFactory(T.abi, T.bytecode, wallet);
const token = await factory.deploy('GovCoin', 1000n);
await token.waitForDeployment();
const tokenAddress = await token.getAddress();
assert.equal((await provider.getCode(tokenAddress)).length > 2, true, 'code deployed');

const to = '0x00000000000000000000000000000000000000aa';
const tx = await token.transfer(to, 250n);
const rcpt = await tx.wait();
assert.equal(rcpt.status, 1);
assert.ok(rcpt.gasUsed > 21000n);
const parsed = rcpt.logs.map((l) => token.interface.parseLog(l)).filter(Boolean);
assert.equal(parsed[0].name, 'Transfer');
assert.equal(parsed[0].args.value, 250n);
assert.equal(await token.balanceOf(to), 250n);
assert.equal(await token.balanceOf(wallet.address), 750n);

// eth_getLogs: the mint and the transfer.
const logs = await provider.getLogs({ address: tokenAddress, fromBlock: 0, toBlock: 'latest', topics: [token.interface.getEvent('Transfer').topicHash] });
assert.equal(logs.length, 2);
assert.equal(logs[1].transactionHash, tx.hash);

// The same log on the node's SSE stream.
for (let i = 0; i < 300 && !events.join('').includes(tx.hash.slice(2)); i++) await new Promise((r) => setTimeout(r, 100));
const stream = events.join('');
assert.ok(stream.includes('"kind":"log"') && stream.includes(tx.hash.slice(2)), 'the transfer log on /v1/events');
await reader.cancel();

// A revert shows its reason.
await assert.rejects(token.transfer(to, 1_000_000n), (e) => {
  assert.equal(e.code, 'CALL_EXCEPTION');
  assert.equal(e.reason, 'insufficient balance');
  return true;
});

// Over its gas limit: mined, status 0, all gas used, nothing else changed.
const burn = await token.burn(10_000n, { gasLimit: 200_000n });
const failed = await burn.wait().then(() => null, (e) => e.receipt);
assert.ok(failed, 'the burn transaction failed');
assert.equal(failed.status, 0);
assert.equal(failed.gasUsed, 200_000n);
assert.equal(await token.balanceOf(wallet.address), 750n);

// An address no account has bound is refused at admission.
const stranger = new ethers.Wallet(strangerKey, provider);
await assert.rejects(stranger.sendTransaction({ to, gasLimit: 50_000n }), (e) => {
  assert.match(String(e.error?.message ?? e.message), /not bound/);
  return true;
});

// A transaction signed for another chain id is refused (EIP-155 replay protection).
const nonce = await provider.getTransactionCount(wallet.address, 'pending');
const foreign = await wallet.signTransaction({ to, nonce, gasLimit: 50_000n, chainId: net.chainId + 1n, type: 2, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n });
await assert.rejects(provider.broadcastTransaction(foreign), (e) => {
  assert.match(String(e.error?.message ?? e.message), /chain id/);
  return true;
});

// balanceOf[to] is slot keccak(to . 2): the value the chain proves.
const slot = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(['address', 'uint256'], [to, 2n]));
assert.equal(BigInt(await provider.getStorage(tokenAddress, slot)), 250n);
const block = await provider.getBlock(rcpt.blockNumber);
assert.equal(block.hash, rcpt.blockHash);
assert.equal(block.baseFeePerGas, 0n);

console.log(JSON.stringify({ token: tokenAddress, slot, transfer: tx.hash, height: rcpt.blockNumber, chainId: Number(net.chainId) }));
