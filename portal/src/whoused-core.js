// "Who used my data", the part without a page: the subject's keys and tags, receipt decoding,
// and the walk that believes only verified proofs (docs/datashare.md). No DOM: the node tests
// (tests/datashare.test.mjs) run it against the Rust code's vectors.

import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { argon2idAsync } from '@noble/hashes/argon2';
import { edwardsToMontgomeryPriv, edwardsToMontgomeryPub, x25519 } from '@noble/curves/ed25519';
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha';
import { sm2, sm3, sm4 } from 'sm-crypto-v2';
import { Reader, concat } from './borsh.js';
import { verifyBundle, VerifyError } from './verify.js';

/** Tags asked per lookup (the CLI's batch). */
export const BATCH = 64;

const u32be = (n) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
};
const u64be = (n) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), false);
  return b;
};

/** The chain suite's HMAC: HMAC-SHA256 or HMAC-SM3. */
export function hmacFor(suite) {
  if (suite === 0) return (key, ...parts) => hmac(sha256, key, concat(...parts));
  return (key, ...parts) => hexToBytes(sm3(concat(...parts), { key, mode: 'hmac' }));
}

/** Decrypts a GovChain keystore (argon2id + XChaCha20-Poly1305, docs/operations.md "Keys"). */
export async function openKeystore(doc, passphrase) {
  if (doc.version !== 1 || doc.kdf !== 'argon2id' || doc.cipher !== 'xchacha20poly1305') {
    throw new Error('keystore_format');
  }
  const p = doc.kdf_params;
  if (p.m_cost_kib > 1 << 20 || p.t_cost > 64 || p.p_cost > 16) throw new Error('keystore_format');
  const key = await argon2idAsync(utf8ToBytes(passphrase), hexToBytes(doc.salt), {
    t: p.t_cost,
    m: p.m_cost_kib,
    p: p.p_cost,
    dkLen: 32,
  });
  let secret;
  try {
    secret = xchacha20poly1305(key, hexToBytes(doc.nonce), utf8ToBytes(doc.public_key)).decrypt(hexToBytes(doc.ciphertext));
  } catch {
    throw new Error('keystore_wrong');
  }
  const [alg, pub] = doc.public_key.split(':');
  return { alg, secret, pub: hexToBytes(pub) };
}

/** The shared secret of the subject's key and an owner's exchange key (`alg:hex`). */
export function agree(me, exchangeKey) {
  const [alg, hex] = exchangeKey.split(':');
  if (alg !== me.alg) throw new Error('key algorithms differ');
  if (alg === 'ed25519') {
    const shared = x25519.getSharedSecret(edwardsToMontgomeryPriv(me.secret), edwardsToMontgomeryPub(hexToBytes(hex)));
    if (shared.every((b) => b === 0)) throw new Error('small-order key');
    return shared;
  }
  // SM2: the x-coordinate of d·P.
  const point = sm2.ecdh(me.secret, hexToBytes(hex), true);
  return point.slice(1, 33);
}

/** The subject's sequence key at one owner and key version. */
export function subjectKey(suite, shared, owner, version) {
  const H = hmacFor(suite);
  const k = H(shared, utf8ToBytes('govchain/datashare/subject/v1'), utf8ToBytes(owner), u32be(version));
  return {
    tag: (n) => H(k, utf8ToBytes('tag'), u64be(n)),
    details: (n, sealed) => openDetails(suite, H(k, utf8ToBytes('details'), u64be(n)), H(k, utf8ToBytes('tag'), u64be(n)), sealed),
  };
}

function openDetails(suite, key, aad, sealed) {
  try {
    let plain;
    if (suite === 0) {
      plain = chacha20poly1305(key, new Uint8Array(12), aad).decrypt(sealed);
    } else {
      const ct = sealed.subarray(0, sealed.length - 16);
      const tag = sealed.subarray(sealed.length - 16);
      plain = sm4.decrypt(ct, key.subarray(0, 16), { mode: 'gcm', iv: new Uint8Array(12), associatedData: aad, tag, output: 'array', padding: 'none' });
    }
    const r = new Reader(plain);
    const d = { official: '0x' + bytesToHex(r.fixed(20)), case_ref: r.string(), n: r.num(), payload_hash: r.option(() => bytesToHex(r.fixed(32))) };
    r.end();
    return d;
  } catch {
    return null;
  }
}

/** Decodes a `Receipt` state value (docs/datashare.md "State"). */
export function decodeReceipt(bytes) {
  const r = new Reader(bytes);
  const out = {
    tag: bytesToHex(r.fixed(32)),
    seq: r.num(),
    key_version: r.u32(),
    access_id: bytesToHex(r.fixed(32)),
    dataset: r.string(),
    owner: r.string(),
    requester: r.string(),
    grant: r.option(() => r.string()),
    purpose_code: r.string(),
    fields: r.vec(() => r.string()),
  };
  const kind = r.u8();
  if (kind === 0) out.outcome = { outcome: 'delivered', digest: bytesToHex(r.fixed(32)), bytes: r.u32() };
  else if (kind === 1) out.outcome = { outcome: 'refused', code: r.string() };
  else if (kind === 2) out.outcome = { outcome: 'erased', code: r.string() };
  else throw new Error(`receipt outcome ${kind}`);
  out.details = r.bytes();
  out.height = r.num();
  out.time_ms = r.num();
  r.end();
  return out;
}

const receiptKey = (tagHex) => utf8ToBytes(`datashare/receipt/${tagHex}`);
const keyHex = (k) => bytesToHex(k);

/**
 * Walks the subject's tags at every owner at one height; believes only what the bundles prove.
 * `lookup(body)` posts to `/v1/datashare/receipts/lookup`. Throws `VerifyError` on a bad
 * bundle and `Error('lied …')` when the answer disagrees with its proofs.
 */
export async function walk(trust, me, owners, height, lookup) {
  const found = [];
  const counts = [];
  let bundles = 0;
  let lastVerified = null;
  for (const o of owners) {
    const key = subjectKey(trust.suite, agree(me, o.exchange_key), o.owner, o.version);
    let n = 0;
    let done = false;
    while (!done) {
      const tags = [];
      for (let i = 0; i < BATCH; i++) tags.push(bytesToHex(key.tag(n + i)));
      const answer = await lookup({ tags, height });
      const proven = new Map();
      for (const b of answer.proofs) {
        const v = verifyBundle(Uint8Array.from(atob(b), (c) => c.charCodeAt(0)), trust);
        if (v.height !== height) throw new VerifyError('wrong_height', `a bundle is of height ${v.height}, not ${height}`);
        for (const c of v.claims) proven.set(keyHex(c.key), c.value);
        lastVerified = v;
        bundles++;
      }
      if (answer.receipts.length !== tags.length) throw new Error('lied: answer count');
      for (let i = 0; i < tags.length; i++) {
        const k = keyHex(receiptKey(tags[i]));
        if (!proven.has(k)) throw new VerifyError('not_proven', `tag ${tags[i]} is not proven`);
        const value = proven.get(k);
        const said = answer.receipts[i];
        if ((value === null || value === undefined) !== (said === null)) throw new Error(`lied about tag ${tags[i]}`);
        if (value === null || value === undefined) {
          counts.push({ owner: o.owner, version: o.version, receipts: n + i });
          done = true;
          break;
        }
        const r = decodeReceipt(value);
        const details = key.details(n + i, r.details);
        if (r.owner !== o.owner || (details && details.n !== n + i)) throw new Error(`receipt ${r.tag} is not yours`);
        found.push({ owner: o.owner, n: n + i, receipt: r, details });
      }
      n += BATCH;
    }
  }
  return { height, found, counts, bundles, verified: lastVerified };
}

