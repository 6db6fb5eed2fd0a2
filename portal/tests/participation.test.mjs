// The browser's ballot opening against a ballot the Rust code sealed
// (crates/modules/participation/tests/ballot_vector.rs checks the same vector), and a ballot
// the browser seals opening the same way. Run: npm test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { p256 } from '@noble/curves/p256';
import { ed25519 } from '@noble/curves/ed25519';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { Reader } from '../src/borsh.js';
import { castArgs, checkParts, hpke, openBallot } from '../src/participation-core.js';

const v = JSON.parse(readFileSync(new URL('./vectors/ballot-p256.json', import.meta.url), 'utf8'));
const importSecret = (hex) => hpke.kem.importKey('raw', hexToBytes(hex).buffer, false);

test('a ballot sealed by the chain opens in the browser to its choice, and not under another key', async () => {
  assert.equal(bytesToHex(p256.getPublicKey(hexToBytes(v.opening_key), false)), v.sealing_key);
  const key = await importSecret(v.opening_key);
  const vote = { id: v.vote, options: Array(v.options).fill('o') };
  assert.deepEqual(await openBallot(key, vote, { sealed: v.sealed, key: v.ballot_key }), { choice: v.choice });
  const copied = { sealed: v.sealed, key: `ed25519:${'01'.repeat(32)}` };
  assert.deepEqual(await openBallot(key, vote, copied), { why: 'does not open' });
  const flipped = v.sealed.slice(0, -2) + (v.sealed.endsWith('00') ? '01' : '00');
  assert.deepEqual(await openBallot(key, vote, { sealed: flipped, key: v.ballot_key }), { why: 'does not open' });
});

test("the browser's cast arguments carry a ballot that opens under the vote's key", async () => {
  const secret = hexToBytes('07'.repeat(32));
  const me = { alg: 'ed25519', secret, pub: ed25519.getPublicKey(secret) };
  const token = { randomizer: 'ab'.repeat(32), signature: 'cd'.repeat(256) };
  const args = await castArgs(v.vote, v.sealing_key, me, token, 1);
  const r = new Reader(args);
  assert.equal(r.string(), v.vote);
  assert.equal(bytesToHex(r.fixed(32)), token.randomizer);
  assert.equal(bytesToHex(r.bytes()), token.signature);
  const sealed = bytesToHex(r.bytes());
  r.end();
  const key = await importSecret(v.opening_key);
  const ballot = { sealed, key: `ed25519:${bytesToHex(me.pub)}` };
  assert.deepEqual(await openBallot(key, { id: v.vote, options: ['a', 'b'] }, ballot), { choice: 1 });
  assert.deepEqual(await openBallot(key, { id: 'other-vote', options: ['a', 'b'] }, ballot), { why: 'does not open' });
});

test("released parts are checked against the trustees' commitments; an altered part is named", () => {
  const parts = v.parts.map((p) => (p ? hexToBytes(p) : null));
  const dealings = v.commitments.map((cs) => cs.map(hexToBytes));
  checkParts(dealings, parts);
  const bad = parts.map((p) => (p ? Uint8Array.from(p) : null));
  bad[2][31] ^= 1;
  assert.throws(() => checkParts(dealings, bad), /trustee 3's released part/);
  const swapped = [parts[2], null, parts[0]];
  assert.throws(() => checkParts(dealings, swapped), /trustee 1's released part/);
});
