// The in-browser verifier against the conformance vectors that the Rust implementation writes
// and checks (crates/proofs/tests/bundles.rs): same files, same verdicts. Run: npm test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { verifyBundle, trustFromGenesis, VerifyError } from '../src/verify.js';
import { decodeRecord, recordKey, recordKeyVersion } from '../src/model.js';
import { Writer } from '../src/borsh.js';
import { sm3 } from 'sm-crypto-v2';

const SUITES = ['ed25519-sha256', 'sm2-sm3'];
const reader = (suite) => (name) => new Uint8Array(readFileSync(new URL(`./vectors/${suite}/${name}`, import.meta.url)));
const read = reader('ed25519-sha256');
const trust = trustFromGenesis(read('trust.json'));

for (const suite of SUITES) {
  test(`${suite}: every conformance vector gets the verdict the Rust verifier gives`, () => {
    const r = reader(suite);
    const root = trustFromGenesis(r('trust.json'));
    const expected = JSON.parse(new TextDecoder().decode(r('expect.json')));
    assert.ok(Object.keys(expected).length >= 3);
    for (const [name, want] of Object.entries(expected)) {
      const file = r(name);
      if (want.verifies && want.tx_hash) {
        const got = verifyBundle(file, root);
        assert.equal(got.height, want.height, name);
        assert.equal(got.transaction.tx_hash, want.tx_hash, name);
        assert.equal(got.transaction.index, want.index, name);
        assert.equal(got.transaction.events.length, want.events, name);
        assert.equal(got.transaction.call, 'records.publish', name);
      } else if (want.verifies) {
        const got = verifyBundle(file, root);
        assert.equal(got.height, want.height, name);
        assert.equal(got.claims.length, 1, name);
        assert.equal(bytesToHex(got.claims[0].key), want.key, name);
        assert.equal(got.claims[0].value === null ? null : bytesToHex(got.claims[0].value), want.value, name);
      } else {
        assert.throws(() => verifyBundle(file, root), VerifyError, name);
      }
    }
  });
}

test('the validator-set change is followed and reported', () => {
  const got = verifyBundle(read('valset-change.gcproof'), trust);
  assert.equal(got.valset_changes, 1);
  assert.equal(got.signers.length, 3);
  assert.equal(got.total, 15, 'the new set (3 × 5) decided block 9');
  assert.ok(got.signers.every((s) => s.org === 'market'));
});

test('changing any byte, even with the digest recomputed, never proves something else', () => {
  const digest = { 'ed25519-sha256': sha256, 'sm2-sm3': (b) => Buffer.from(sm3(b), 'hex') };
  const cases = [
    ['ed25519-sha256', 'present.gcproof'],
    ['ed25519-sha256', 'valset-change.gcproof'],
    ['ed25519-sha256', 'transaction.gcproof'],
    ['sm2-sm3', 'present.gcproof'],
  ];
  for (const [suite, name] of cases) {
    const file = reader(suite)(name);
    const root = trustFromGenesis(reader(suite)('trust.json'));
    const good = verifyBundle(file, root);
    for (let i = 8; i < file.length - 32; i++) {
      const bad = new Uint8Array(file);
      bad[i] ^= 0x01;
      bad.set(digest[suite](bad.subarray(0, bad.length - 32)), bad.length - 32);
      let got;
      try {
        got = verifyBundle(bad, root);
      } catch (e) {
        assert.ok(e instanceof VerifyError, `${name} byte ${i}: ${e}`);
        continue;
      }
      assert.fail(`${name}: byte ${i} changed yet verified at height ${got.height} (was ${good.height})`);
    }
  }
});

test('a flipped byte without a new digest is reported as a modified file', () => {
  const file = read('present.gcproof');
  file[100] ^= 0x80;
  assert.throws(() => verifyBundle(file, trust), (e) => e.code === 'bad_digest');
});

test('another chain or another validator set is refused', () => {
  const other = { ...trust, chain_id: 'another-chain' };
  assert.throws(() => verifyBundle(read('present.gcproof'), other), (e) => e.code === 'wrong_chain');
  const strangers = { ...trust, validators: trust.validators.slice(1) };
  assert.throws(() => verifyBundle(read('present.gcproof'), strangers), (e) => e.code === 'unknown_validator_set');
});

test('a genesis with an unknown suite or key algorithm is refused', () => {
  const g = JSON.parse(new TextDecoder().decode(read('trust.json')));
  const encode = (x) => new TextEncoder().encode(JSON.stringify(x));
  assert.throws(() => trustFromGenesis(encode({ ...g, suite: 'rsa-md5' })), (e) => e.code === 'bad_genesis');
  const badKey = { ...g, validators: [{ ...g.validators[0], public_key: 'rsa:00' }] };
  assert.throws(() => trustFromGenesis(encode(badKey)), (e) => e.code === 'bad_genesis');
});

test('record keys and values decode as the ledger writes them', () => {
  const key = recordKey('finance-000042', 3);
  assert.equal(new TextDecoder().decode(key.subarray(0, key.length - 4)), 'records/v/finance-000042/');
  assert.deepEqual([...key.subarray(key.length - 4)], [0, 0, 0, 3], 'version is big-endian');
  assert.equal(recordKeyVersion(key, 'finance-000042'), 3);
  assert.equal(recordKeyVersion(key, 'finance-00004'), null, 'another id does not match');
  const w = new Writer()
    .string('finance-000042').string('finance').u32(3)
    .string('budget').string('预算 Budget').string('正文 body')
    .u32(1).string('a.pdf').fixed(new Uint8Array(32).fill(7)).u64(1234)
    .u32(1).string('预算')
    .u8(1).string('superseded')
    .u8(1).fixed(new Uint8Array(32).fill(1))
    .fixed(new Uint8Array(20).fill(2))
    .u64(9).u64(1_795_000_000_000).u64(1_794_000_000_000)
    .fixed(new Uint8Array(32).fill(3));
  const r = decodeRecord(w.finish());
  assert.equal(r.title, '预算 Budget');
  assert.equal(r.status, 'withdrawn');
  assert.equal(r.attachments[0].size, 1234);
  assert.equal(r.author, '0x' + '02'.repeat(20));
  assert.equal(r.time_ms, 1_795_000_000_000);
  assert.throws(() => decodeRecord(new Uint8Array([...w.finish(), 0])), /trailing/);
});
