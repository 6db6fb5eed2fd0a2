// In-browser verification of GovChain proof bundles, following docs/proofs.md step by step.
// Trusts only the genesis file; uses @noble/hashes (SHA-256) and @noble/curves (Ed25519) for
// the ed25519-sha256 suite, sm-crypto-v2 (SM2 and SM3, built on noble) for the sm2-sm3 suite.

import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { ed25519 } from '@noble/curves/ed25519';
import { sm2, sm3 } from 'sm-crypto-v2';
import { Reader, Writer, DecodeError, concat, equalBytes, compareBytes, utf8Bytes } from './borsh.js';

// Decoding limits: exactly those of the Rust verifier (crates/types/src/limits.rs, docs/proofs.md §2).
const MAX_VALIDATORS = 256;
const SHORT_TEXT = 256;
const TEXT = 4096;

/** A bundle that does not verify: `code` names the failed check (stable, for tests and i18n). */
export class VerifyError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const MAGIC = concat(utf8Bytes('GCPROOF'), Uint8Array.of(1));
const SUITE_ED25519_SHA256 = 0;
/** Suite tags by name. */
export const SUITES = { 'ed25519-sha256': 0, 'sm2-sm3': 1 };
const ALGORITHMS = { ed25519: 0, sm2: 1 };
const KEY_LEN = [32, 33];
const PLACEHOLDER = utf8Bytes('SPARSE_MERKLE_PLACEHOLDER_HASH__');
const LEAF_DOMAIN = utf8Bytes('JMT::LeafNode');
const INTERNAL_DOMAIN = utf8Bytes('JMT::IntrnalNode');
const HEADER_DOMAIN = utf8Bytes('GOVCHAIN/HEADER/v1\0');
const VOTE_DOMAIN = utf8Bytes('GOVCHAIN/VOTE/v1\0');
const VALSET_DOMAIN = utf8Bytes('GOVCHAIN/VALSET/v1\0');
const VALIDATORS_KEY = utf8Bytes('sys/validators');

const SUITE_SM2_SM3 = 1;
/** Order of the SM2 curve's base point (GB/T 32918.5). */
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
/** The default distinguishing identifier of GB/T 32918.2, which GovChain signs with. */
const SM2_ID = '1234567812345678';

/** The suite's hash of the concatenated parts. */
export function hashFor(suite) {
  if (suite === SUITE_ED25519_SHA256) return (...parts) => sha256(concat(...parts));
  if (suite === SUITE_SM2_SM3) return (...parts) => hexToBytes(sm3(concat(...parts)));
  throw new VerifyError('unsupported_suite', `unknown crypto suite ${suite}`);
}

// ---- decoding (docs/proofs.md §2) ----

const publicKey = (r) => {
  const tag = r.u8();
  if (tag > 1) throw new DecodeError(`public key tag ${tag}`);
  return { tag, bytes: r.fixed(KEY_LEN[tag]) };
};
const signature = (r) => {
  const tag = r.u8();
  if (tag > 1) throw new DecodeError(`signature tag ${tag}`);
  return { tag, bytes: r.fixed(64) };
};
const header = (r) => ({
  chain_id: r.string(64),
  height: r.num(),
  time_ms: r.num(),
  prev_hash: r.fixed(32),
  tx_root: r.fixed(32),
  receipts_root: r.fixed(32),
  state_root: r.fixed(32),
  validator_set_hash: r.fixed(32),
  proposer: r.fixed(20),
});
const commitCertificate = (r) => ({
  height: r.num(),
  round: r.u32(),
  block_hash: r.fixed(32),
  signatures: r.vec(() => ({ validator: r.fixed(20), signature: signature(r) }), MAX_VALIDATORS),
});
const validatorSet = (r) => ({
  validators: r.vec(() => ({ address: r.fixed(20), public_key: publicKey(r), voting_power: r.u64(), org: r.string(SHORT_TEXT) }), MAX_VALIDATORS),
});
const stateEntry = (r) => ({ key: r.bytes(1024), value: r.option(() => r.bytes(256 * 1024)), proof: r.bytes(1 << 16) });
const transaction = (r) => ({
  chain_id: r.string(64),
  signer: publicKey(r),
  nonce: r.u64(),
  expires_at_height: r.num(),
  payload: (() => {
    const tag = r.u8();
    if (tag !== 0) throw new DecodeError(`payload tag ${tag}`);
    return { module: r.string(32), method: r.string(64), args: r.bytes(60 * 1024) };
  })(),
});
const receipt = (r) => ({
  tx_hash: r.fixed(32),
  outcome: (() => {
    const tag = r.u8();
    if (tag === 0) return { kind: 'success' };
    if (tag === 1) return { kind: 'failed', code: r.string(SHORT_TEXT), message: r.string(TEXT) };
    throw new DecodeError(`outcome tag ${tag}`);
  })(),
  events: r.vec(() => ({ module: r.string(SHORT_TEXT), kind: r.string(SHORT_TEXT), attributes: r.vec(() => [r.string(SHORT_TEXT), r.string(TEXT)], 32) }), 64),
});
const hashes = (r) => r.vec(() => r.fixed(32), 64);
function transactionClaim(r) {
  const c = { index: r.u32(), total: r.u32() };
  [c.signed, c.signedRaw] = r.raw(() => {
    const [tx, txRaw] = r.raw(() => transaction(r));
    return { tx, txRaw, signature: signature(r) };
  });
  c.tx_proof = hashes(r);
  [c.receipt, c.receiptRaw] = r.raw(() => receipt(r));
  c.receipt_proof = hashes(r);
  return c;
}

function decodeBundle(body) {
  const r = new Reader(body);
  const b = {
    chain_id: r.string(64),
    suite: r.u8(),
    valset_changes: r.vec(() => {
      const [h, headerRaw] = r.raw(() => header(r));
      const certificate = commitCertificate(r);
      const [set, setRaw] = r.raw(() => validatorSet(r));
      return { header: h, headerRaw, certificate, set, setRaw, proof: r.bytes(1 << 16) };
    }, 4096),
  };
  [b.header, b.headerRaw] = r.raw(() => header(r));
  b.certificate = commitCertificate(r);
  const tag = r.u8();
  b.claims = [];
  if (tag === 0) b.claims = [stateEntry(r)];
  else if (tag === 2) b.claims = r.vec(() => stateEntry(r), 16);
  else if (tag === 1) b.transaction = transactionClaim(r);
  else throw new DecodeError(`claim tag ${tag}`);
  r.end();
  return b;
}

function decodeSmtProof(bytes) {
  const r = new Reader(bytes);
  const leaf = r.option(() => ({ key_hash: r.fixed(32), value_hash: r.fixed(32) }));
  const siblings = r.vec(() => {
    const tag = r.u8();
    if (tag === 0) return { tag };
    if (tag === 1) return { tag, left: r.fixed(32), right: r.fixed(32) };
    if (tag === 2) return { tag, key_hash: r.fixed(32), value_hash: r.fixed(32) };
    throw new DecodeError(`proof node tag ${tag}`);
  }, 256);
  r.end();
  return { leaf, siblings };
}

// ---- trust root ----

/**
 * Parses the text form `alg:hex` of a key (`lengths` = [32, 33]) or a signature ([64, 64]);
 * null when the algorithm, the hex or the length is wrong.
 */
export function parseTagged(text, lengths) {
  const [alg, hex] = String(text ?? '').split(':');
  const tag = ALGORITHMS[alg];
  if (tag === undefined || !/^(?:[0-9a-fA-F]{2})+$/.test(hex || '')) return null;
  const bytes = hexToBytes(hex);
  return bytes.length === lengths[tag] ? { tag, bytes } : null;
}

/** The trust root from the genesis file's exact bytes: chain id, suite, validator set, hash. */
export function trustFromGenesis(bytes) {
  let g;
  try {
    g = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new VerifyError('bad_genesis', 'the genesis file is not JSON');
  }
  const suite = SUITES[g.suite];
  if (suite === undefined || typeof g.chain_id !== 'string' || !Array.isArray(g.validators)) {
    throw new VerifyError('bad_genesis', 'the genesis file lacks chain_id, suite or validators');
  }
  const H = hashFor(suite);
  const validators = g.validators.map((v) => {
    const public_key = parseTagged(v.public_key, KEY_LEN);
    if (!public_key) throw new VerifyError('bad_genesis', `validator key ${v.public_key} is not alg:hex of the right length`);
    return { address: addressOf(H, public_key), public_key, voting_power: BigInt(v.voting_power), org: String(v.org) };
  });
  validators.sort((a, b) => compareBytes(a.address, b.address));
  checkCanonicalSet(validators, 'the genesis');
  return { chain_id: g.chain_id, suite, validators, genesis_hash: bytesToHex(H(bytes)) };
}

/** `address(pk) = H(tag || key)[0..20]`. */
export const addressOf = (H, pk) => H(Uint8Array.of(pk.tag), pk.bytes).subarray(0, 20);

function encodeValidatorSet(set) {
  const w = new Writer().u32(set.length);
  for (const v of set) w.fixed(v.address).u8(v.public_key.tag).fixed(v.public_key.bytes).u64(v.voting_power).string(v.org);
  return w.finish();
}

// ---- checks (docs/proofs.md §4-6) ----

function verifyEd25519(pk, msg, sig) {
  // GovChain's rule: cofactored equation, s < L, canonical A and R, neither of small order.
  try {
    if (ed25519.Point.fromBytes(sig.subarray(0, 32), false).isSmallOrder()) return false;
  } catch {
    return false;
  }
  return ed25519.verify(sig, msg, pk, { zip215: false });
}

function verifySm2(pk, msg, sig) {
  // GB/T 32918.2 with SM3 and the default identifier; r and s must lie in [1, n - 1].
  const r = BigInt('0x' + bytesToHex(sig.subarray(0, 32)));
  const s = BigInt('0x' + bytesToHex(sig.subarray(32)));
  if (r < 1n || r >= SM2_N || s < 1n || s >= SM2_N) return false;
  try {
    return sm2.doVerifySignature(msg, bytesToHex(sig), bytesToHex(pk), { der: false, hash: true, userId: SM2_ID });
  } catch {
    return false; // not a point on the curve
  }
}

/** Verifies a tagged signature with a tagged public key under GovChain's rules. */
export function verifySignature(pk, msg, sig) {
  if (pk.tag !== sig.tag) return false;
  return pk.tag === 0 ? verifyEd25519(pk.bytes, msg, sig.bytes) : verifySm2(pk.bytes, msg, sig.bytes);
}

/** A validator set must be canonical: not empty, strictly ascending addresses, no zero power. */
function checkCanonicalSet(validators, what) {
  const ok =
    validators.length > 0 &&
    validators.every((v, i) => v.voting_power > 0n && (i === 0 || compareBytes(validators[i - 1].address, v.address) < 0));
  if (!ok) throw new VerifyError('bad_valset_change', `the validator set installed at ${what} is not canonical`);
}

function checkCommit(H, chainId, hdr, headerRaw, cert, set, what) {
  const blockHash = H(HEADER_DOMAIN, headerRaw);
  if (cert.height !== hdr.height || !equalBytes(cert.block_hash, blockHash)) {
    throw new VerifyError('certificate_mismatch', `the commit certificate of ${what} is for another block`);
  }
  const vote = new Writer().string(chainId).u64(hdr.height).u32(cert.round).u8(1).u8(1).fixed(blockHash).finish();
  const msg = concat(VOTE_DOMAIN, vote);
  let total = 0n;
  for (const v of set) total += v.voting_power;
  let power = 0n;
  const signers = [];
  let last = null;
  for (const s of cert.signatures) {
    if (last && compareBytes(last, s.validator) >= 0) {
      throw new VerifyError('bad_certificate', `signatures of ${what} are not in ascending address order`);
    }
    last = s.validator;
    const v = set.find((x) => equalBytes(x.address, s.validator));
    if (!v) throw new VerifyError('unknown_signer', `${what} is signed by ${bytesToHex(s.validator)}, not a validator`);
    if (!verifySignature(v.public_key, msg, s.signature)) {
      throw new VerifyError('bad_signature', `the signature of validator ${bytesToHex(v.address)} on ${what} does not verify`);
    }
    power += v.voting_power;
    signers.push({ address: bytesToHex(v.address), org: v.org, voting_power: Number(v.voting_power) });
  }
  if (3n * power <= 2n * total) {
    throw new VerifyError('insufficient_power', `${what} is signed by ${power} of ${total} voting power, not more than two thirds`);
  }
  return { blockHash: bytesToHex(blockHash), signers, power: Number(power), total: Number(total), round: cert.round };
}

function bit(kh, j) {
  return (kh[j >> 3] >> (7 - (j & 7))) & 1;
}

function commonPrefixBits(a, b) {
  let n = 0;
  while (n < 256 && bit(a, n) === bit(b, n)) n++;
  return n;
}

function checkState(H, stateRoot, key, value, proofBytes) {
  let p;
  try {
    p = decodeSmtProof(proofBytes);
  } catch (e) {
    throw new VerifyError('malformed', `the Merkle proof is malformed: ${e.message}`);
  }
  const kh = H(key);
  const n = p.siblings.length;
  if (value !== null) {
    if (!p.leaf || !equalBytes(p.leaf.key_hash, kh) || !equalBytes(p.leaf.value_hash, H(value))) {
      throw new VerifyError('bad_state_proof', 'the Merkle proof does not prove this value');
    }
  } else if (p.leaf && (equalBytes(p.leaf.key_hash, kh) || commonPrefixBits(p.leaf.key_hash, kh) < n)) {
    throw new VerifyError('bad_state_proof', 'the Merkle proof does not prove absence');
  }
  let current = p.leaf ? H(LEAF_DOMAIN, p.leaf.key_hash, p.leaf.value_hash) : PLACEHOLDER;
  for (let i = 0; i < n; i++) {
    const s = p.siblings[i];
    const sh = s.tag === 0 ? PLACEHOLDER : s.tag === 1 ? H(INTERNAL_DOMAIN, s.left, s.right) : H(LEAF_DOMAIN, s.key_hash, s.value_hash);
    current = bit(kh, n - 1 - i) === 1 ? H(INTERNAL_DOMAIN, sh, current) : H(INTERNAL_DOMAIN, current, sh);
  }
  if (!equalBytes(current, stateRoot)) {
    throw new VerifyError('bad_state_proof', 'the Merkle proof does not lead to the signed state root');
  }
}

const TX_DOMAIN = utf8Bytes('GOVCHAIN/TX/v1\0');

/** Number of sibling hashes a list proof has for leaf `i` of `n` (docs/proofs.md §6.2). */
function expectedProofLength(i, n) {
  let count = 0;
  while (n > 1) {
    if ((i ^ 1) < n) count++;
    i = Math.floor(i / 2);
    n = Math.ceil(n / 2);
  }
  return count;
}

/** The list root a header carries: the tree root bound to the count, `H(0x02 || u64be(n) || tree)`. */
function listRoot(H, leafBytes, index, total, proof) {
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(total));
  return H(Uint8Array.of(2), count, treeRoot(H, leafBytes, index, total, proof));
}

function treeRoot(H, leafBytes, index, total, proof) {
  if (index >= total || proof.length !== expectedProofLength(index, total)) {
    throw new VerifyError('bad_list_proof', 'the Merkle list proof has the wrong shape');
  }
  let current = H(Uint8Array.of(0), leafBytes);
  let i = index;
  let n = total;
  let p = 0;
  while (n > 1) {
    if ((i ^ 1) < n) {
      const sibling = proof[p++];
      current = i % 2 === 1 ? H(Uint8Array.of(1), sibling, current) : H(Uint8Array.of(1), current, sibling);
    }
    i = Math.floor(i / 2);
    n = Math.ceil(n / 2);
  }
  return current;
}

function checkTransaction(H, header, c) {
  if (!equalBytes(listRoot(H, c.signedRaw, c.index, c.total, c.tx_proof), header.tx_root)) {
    throw new VerifyError('bad_tx_proof', 'the transaction is not in the signed block');
  }
  if (!equalBytes(listRoot(H, c.receiptRaw, c.index, c.total, c.receipt_proof), header.receipts_root)) {
    throw new VerifyError('bad_tx_proof', 'the receipt is not in the signed block');
  }
  const id = H(TX_DOMAIN, c.signed.txRaw);
  if (!equalBytes(c.receipt.tx_hash, id)) throw new VerifyError('bad_tx_proof', 'the receipt belongs to another transaction');
  const tx = c.signed.tx;
  return {
    tx_hash: bytesToHex(id),
    index: c.index,
    total: c.total,
    signer: '0x' + bytesToHex(addressOf(H, tx.signer)),
    nonce: String(tx.nonce),
    call: `${tx.payload.module}.${tx.payload.method}`,
    outcome: c.receipt.outcome,
    events: c.receipt.events,
  };
}

/**
 * Verifies a proof bundle file against a trust root. Returns what was proven: the chain,
 * height, time, block hash, the signers, and the proven state entries. Throws `VerifyError`.
 */
export function verifyBundle(file, trust) {
  const H = hashFor(trust.suite);
  if (file.length < MAGIC.length + 32 || !equalBytes(file.subarray(0, MAGIC.length), MAGIC)) {
    throw new VerifyError('not_a_bundle', 'this is not a GovChain proof bundle');
  }
  const body = file.subarray(MAGIC.length, file.length - 32);
  if (!equalBytes(H(MAGIC, body), file.subarray(file.length - 32))) {
    throw new VerifyError('bad_digest', 'the bundle was modified: its digest does not match');
  }
  let b;
  try {
    b = decodeBundle(body);
  } catch (e) {
    if (e instanceof VerifyError) throw e;
    throw new VerifyError('malformed', `the bundle is malformed: ${e.message}`);
  }
  if (b.chain_id !== trust.chain_id || b.header.chain_id !== trust.chain_id) {
    throw new VerifyError('wrong_chain', `the bundle is for chain ${b.header.chain_id}, not ${trust.chain_id}`);
  }
  if (b.suite !== trust.suite) throw new VerifyError('wrong_chain', 'the bundle uses another crypto suite');
  let set = trust.validators;
  let setHash = H(VALSET_DOMAIN, encodeValidatorSet(set));
  let lastHeight = 0;
  for (const c of b.valset_changes) {
    const what = `block ${c.header.height}`;
    if (c.header.height <= lastHeight || c.header.height >= b.header.height || c.header.chain_id !== trust.chain_id) {
      throw new VerifyError('bad_valset_change', `validator-set change at ${what} is out of order`);
    }
    if (!equalBytes(c.header.validator_set_hash, setHash)) {
      throw new VerifyError('unknown_validator_set', `${what} names a validator set the verifier does not hold`);
    }
    checkCanonicalSet(c.set.validators, what);
    checkCommit(H, trust.chain_id, c.header, c.headerRaw, c.certificate, set, what);
    checkState(H, c.header.state_root, VALIDATORS_KEY, c.setRaw, c.proof);
    set = c.set.validators;
    setHash = H(VALSET_DOMAIN, c.setRaw);
    lastHeight = c.header.height;
  }
  if (!equalBytes(b.header.validator_set_hash, setHash)) {
    throw new VerifyError('unknown_validator_set', 'the block names a validator set the verifier does not hold');
  }
  const commit = checkCommit(H, trust.chain_id, b.header, b.headerRaw, b.certificate, set, `block ${b.header.height}`);
  if (b.claims.length === 0 && !b.transaction) throw new VerifyError('empty_claim', 'the bundle proves no state key');
  for (const c of b.claims) checkState(H, b.header.state_root, c.key, c.value, c.proof);
  const transaction = b.transaction ? checkTransaction(H, b.header, b.transaction) : null;
  return {
    chain_id: trust.chain_id,
    height: b.header.height,
    time_ms: b.header.time_ms,
    state_root: bytesToHex(b.header.state_root),
    valset_changes: b.valset_changes.length,
    ...commit,
    claims: b.claims.map((c) => ({ key: c.key, value: c.value })),
    transaction,
  };
}
