// "Who used my data" in the browser against the vectors the Rust code writes and checks
// (crates/modules/datashare/tests/vectors.rs): the same tags, the same receipt decoding, the
// same sealed details, and the same keystore. Run: npm test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@noble/hashes/utils';
import { agree, decodeReceipt, openKeystore, subjectKey } from '../src/whoused-core.js';

const v = JSON.parse(readFileSync(new URL('./vectors/datashare.json', import.meta.url), 'utf8'));
const SUITE = { 'ed25519-sha256': 0, 'sm2-sm3': 1 };

for (const s of v.suites) {
  test(`${s.suite}: the browser derives the citizen's tags and opens their receipt as the node does`, () => {
    const me = { alg: s.citizen_public.split(':')[0], secret: hexToBytes(s.citizen_secret) };
    const k = subjectKey(SUITE[s.suite], agree(me, s.exchange_key), s.owner, s.version);
    assert.deepEqual([0, 1, 2].map((n) => Buffer.from(k.tag(n)).toString('hex')), s.tags);
    const r = decodeReceipt(hexToBytes(s.receipt));
    assert.equal(r.tag, s.tags[1]);
    assert.deepEqual([r.dataset, r.owner, r.requester, r.grant, r.purpose_code], ['social-insurance', 'hrss', 'civil-affairs', 'subsidy-2026', 'subsidy-eligibility']);
    assert.deepEqual(r.fields, ['insured', 'months_paid']);
    assert.equal(r.outcome.outcome, 'delivered');
    assert.equal(r.outcome.bytes, 321);
    assert.deepEqual([r.seq, r.height, r.time_ms], [7, 42, 1800000000000]);
    assert.deepEqual(k.details(1, r.details), s.details);
    // Another position, or another citizen's key, does not open them.
    assert.equal(k.details(0, r.details), null);
    const other = { alg: me.alg, secret: hexToBytes(s.citizen_secret.replace(/^../, '01')) };
    const stranger = subjectKey(SUITE[s.suite], agree(other, s.exchange_key), s.owner, s.version);
    assert.equal(stranger.details(1, r.details), null);
    assert.notEqual(Buffer.from(stranger.tag(0)).toString('hex'), s.tags[0]);
  });
}

test('the browser opens a GovChain keystore and refuses a wrong passphrase', async () => {
  const k = await openKeystore(v.keystore, '');
  assert.equal(Buffer.from(k.secret).toString('hex'), v.suites[0].citizen_secret);
  assert.equal(k.alg, 'ed25519');
  await assert.rejects(openKeystore(v.keystore, 'not the passphrase'));
});
