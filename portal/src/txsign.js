// Building and signing GovChain transactions in the browser (docs/encoding.md): the key comes
// from the user's keystore file, decrypted here with their passphrase, and never leaves the page.

import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { sm3 } from 'sm-crypto-v2';
import { Writer, concat, utf8Bytes, compareBytes } from './borsh.js';

const TX_DOMAIN = utf8Bytes('GOVCHAIN/TX/v1\0');
const ALG_TAG = { ed25519: 0, sm2: 1 };

/** The suite's hash (0: SHA-256, 1: SM3). */
export function suiteHash(suite) {
  return suite === 0 ? (b) => sha256(b) : (b) => hexToBytes(sm3(b));
}

/** The address of a public key: the first 20 bytes of `H(tag || key)`, as `0x…`. */
export function addressOf(suite, alg, pub) {
  return `0x${bytesToHex(suiteHash(suite)(concat(Uint8Array.of(ALG_TAG[alg]), pub)).subarray(0, 20))}`;
}

/** Encodes an application field value (the workflow `Value` enum). */
export function writeValue(w, v) {
  if (typeof v === 'string') w.u8(0).string(v);
  else if (typeof v === 'bigint' || typeof v === 'number') {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
    w.u8(1).fixed(b);
  } else if (typeof v === 'boolean') w.u8(2).u8(v ? 1 : 0);
  else if (Array.isArray(v)) {
    w.u8(3).u32(v.length);
    for (const s of v) w.string(s);
  } else throw new Error(`cannot encode ${v}`);
}

/** Encodes a `BTreeMap<String, Value>`: entries in byte order of their keys. */
export function writeFields(w, fields) {
  const keys = Object.keys(fields).sort((a, b) => compareBytes(utf8Bytes(a), utf8Bytes(b)));
  w.u32(keys.length);
  for (const k of keys) {
    w.string(k);
    writeValue(w, fields[k]);
  }
}

/** `workflow.apply` arguments. */
export function applyArgs(org, process, version, fields) {
  const w = new Writer().string(org).string(process).u32(version);
  writeFields(w, fields);
  return w.finish();
}

/** `workflow.act` arguments. */
export function actArgs(instance, transition, reason, edits = {}) {
  const w = new Writer().string(instance).string(transition).string(reason);
  writeFields(w, edits);
  return w.finish();
}

/**
 * Signs a call with a decrypted key `{alg, secret, pub}`; returns `{hash, bytes}` (the
 * transaction id as hex and the encoded signed transaction).
 */
export function signCall(key, { chainId, suite, nonce, expires, module, method, args }) {
  if (key.alg !== 'ed25519') throw new Error('sm2_signing');
  const tx = new Writer()
    .string(chainId)
    .u8(ALG_TAG[key.alg])
    .fixed(key.pub)
    .u64(nonce)
    .u64(expires)
    .u8(0)
    .string(module)
    .string(method)
    .bytes(args)
    .finish();
  const signBytes = concat(TX_DOMAIN, tx);
  const signature = ed25519.sign(signBytes, key.secret);
  return {
    hash: bytesToHex(suiteHash(suite)(signBytes)),
    bytes: concat(tx, Uint8Array.of(ALG_TAG[key.alg]), signature),
  };
}

/** `code: message` of an API error body (`{"error": {"code", "message"}}`). */
function apiError(body) {
  const e = body && body.error ? body.error : body || {};
  return `${e.code}: ${e.message}`;
}

/**
 * Signs and submits a call as `key`; resolves with the committed transaction view. With
 * `fresh`, the key may be a one-time key no account holds (a ballot or comment key): its first
 * transaction has nonce 0.
 */
export async function submitCall(key, module, method, args, { fresh = false } = {}) {
  const status = await (await fetch('/status')).json();
  const suite = status.suite === 'sm2-sm3' ? 1 : 0;
  const address = addressOf(suite, key.alg, key.pub);
  const acct = await fetch(`/v1/accounts/${address}`);
  let pending_nonce = 0;
  if (acct.ok) ({ pending_nonce } = await acct.json());
  else if (!(fresh && acct.status === 404)) throw new Error(apiError(await acct.json()));
  const { hash, bytes } = signCall(key, {
    chainId: status.chain_id,
    suite,
    nonce: pending_nonce,
    expires: status.height + 100,
    module,
    method,
    args,
  });
  const r = await fetch('/v1/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: bytesToHex(bytes) }) });
  if (!r.ok) {
    throw new Error(apiError(await r.json()));
  }
  for (let i = 0; i < 600; i++) {
    const v = await (await fetch(`/v1/txs/${hash}`)).json();
    if (v.status === 'committed') {
      if (v.receipt && v.receipt.outcome !== 'success') throw new Error(`${v.receipt.code}: ${v.receipt.message}`);
      return { hash, view: v, suite };
    }
    if (v.status === 'dropped') throw new Error(`${v.reason_code}: ${v.reason}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('the transaction was not committed in time');
}
