// Votes and consultations in the browser, without the DOM: decoding the proven vote records
// (crates/modules/participation/src/model.rs), sealing a ballot to the trustees' key, and the
// independent recount (the same steps as `govchain vote verify-tally`: ballot chain, opening
// key against the sealing key, open and count every ballot).

import { p256 } from '@noble/curves/p256';
import { ed25519 } from '@noble/curves/ed25519';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import { Reader, Writer, concat, equalBytes, utf8Bytes } from './borsh.js';

const BALLOT_INFO = utf8Bytes('GOVCHAIN/BALLOT/v1');
const CHAIN_DOMAIN = utf8Bytes('GOVCHAIN/BALLOTS/v1\0');
const ENC_LEN = 65;
const KEY_LEN = [32, 33, 33];
const ALG = { ed25519: 0, sm2: 1 };
const STATUS = ['keying', 'ready', 'counting', 'final'];

/** DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM: the suite ballots are sealed with. */
export const hpke = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

const unhex = (s) => hexToBytes(s.startsWith('0x') ? s.slice(2) : s);

/** The borsh encoding of a public key given as `alg:hex`. */
export function publicKeyBytes(text) {
  const [alg, hex] = text.split(':');
  if (!(alg in ALG)) throw new Error(`unknown key algorithm ${alg}`);
  return concat(Uint8Array.of(ALG[alg]), unhex(hex));
}

const readKey = (r) => {
  const tag = r.u8();
  if (tag > 2) throw new Error(`public key tag ${tag}`);
  return concat(Uint8Array.of(tag), r.fixed(KEY_LEN[tag]));
};

/** Decodes a stored `Vote`. */
export function decodeVote(bytes) {
  const r = new Reader(bytes);
  const v = {
    id: r.string(),
    org: r.string(),
    creator: r.fixed(20),
    title: r.string(),
    text_hash: r.fixed(32),
    options: r.vec(() => r.string()),
    eligibility: { cert_type: r.string(), condition: r.string(), authority: r.fixed(20), authority_key: r.bytes() },
    opens_height: r.num(),
    closes_height: r.num(),
  };
  v.sealing = {
    k: r.u8(),
    trustees: r.vec(() => r.fixed(20)),
    trustee_orgs: r.vec(() => r.string()),
    trustee_keys: r.vec(() => readKey(r)),
    dealings: r.vec(() => r.option(() => ({ commitments: r.vec(() => r.bytes()), shares: r.vec(() => r.bytes()) }))),
    public_key: r.bytes(),
    parts: r.vec(() => r.option(() => r.fixed(32))),
  };
  v.status = STATUS[r.u8()];
  v.height = r.num();
  r.end();
  return v;
}

/** Decodes a stored `BallotBox`. */
export function decodeBox(bytes) {
  const r = new Reader(bytes);
  const b = { tokens_issued: r.num(), ballots: r.num(), ballot_chain: r.fixed(32) };
  r.end();
  return b;
}

/** Decodes a stored `Tally`. */
export function decodeTally(bytes) {
  const r = new Reader(bytes);
  const t = { counts: r.vec(() => r.num()), invalid: r.num(), opened: r.num(), complete: r.u8() === 1, opening_key: r.bytes(), height: r.num() };
  r.end();
  return t;
}

/** The borsh encoding of a ballot as the API shows it (JSON). */
export function ballotBytes(b) {
  return new Writer()
    .u64(b.n)
    .fixed(publicKeyBytes(b.key))
    .fixed(unhex(b.token.randomizer))
    .bytes(unhex(b.token.signature))
    .bytes(unhex(b.sealed))
    .u64(b.height)
    .finish();
}

/** The ballot chain after ballot `b`: `H(domain || prev || n BE || H(borsh(b)))`. */
export function chainNext(H, prev, b) {
  const n = new Uint8Array(8);
  new DataView(n.buffer).setBigUint64(0, BigInt(b.n), false);
  return H(CHAIN_DOMAIN, prev, n, H(ballotBytes(b)));
}

/** A ballot's associated data: borsh `(vote id, ballot key)`. */
export const ballotAad = (vote, keyBytes) => concat(new Writer().string(vote).finish(), keyBytes);

/** The one-time key of a kit file (`govchain vote request-token`). */
export function kitKey(kit, kind, id) {
  if (kit.format !== 'govchain-token-kit/1' && kit.format !== 'govchain-ballot-kit/1') throw new Error('kit_format');
  if ((kit.kind || 'vote') !== kind || (kit.id || kit.vote) !== id) throw new Error('kit_other');
  if (!kit.token) throw new Error('kit_no_token');
  if (kit.algorithm !== 'ed25519') throw new Error('wf_sm2');
  const secret = unhex(kit.seed);
  return { alg: 'ed25519', secret, pub: ed25519.getPublicKey(secret) };
}

const tokenBytes = (w, token) => w.fixed(unhex(token.randomizer)).bytes(unhex(token.signature));

/** Seals `choice` for vote `id` to the sealing key (hex) and returns `vote.cast`'s arguments. */
export async function castArgs(id, sealingKeyHex, key, token, choice) {
  const keyBytes = concat(Uint8Array.of(ALG[key.alg]), key.pub);
  const recipientPublicKey = await hpke.kem.importKey('raw', unhex(sealingKeyHex).buffer.slice(0), true);
  const pt = new Uint8Array(4);
  new DataView(pt.buffer).setUint32(0, choice, false);
  // The associated data is seal's third argument (a field of the context parameters would be
  // ignored).
  const { ct, enc } = await hpke.seal({ recipientPublicKey, info: BALLOT_INFO }, pt, ballotAad(id, keyBytes));
  const sealed = concat(new Uint8Array(enc), new Uint8Array(ct));
  return tokenBytes(new Writer().string(id), token).bytes(sealed).finish();
}

/** `consult.comment`'s arguments. */
export function commentArgs(id, token, text) {
  return tokenBytes(new Writer().string(id), token).string(text).finish();
}

/** Opens one ballot: the option index, or why it does not count. */
export async function openBallot(recipientKey, vote, b) {
  const sealed = unhex(b.sealed);
  if (sealed.length < ENC_LEN) return { why: 'does not open' };
  let pt;
  try {
    pt = new Uint8Array(
      await hpke.open({ recipientKey, enc: sealed.slice(0, ENC_LEN).buffer, info: BALLOT_INFO }, sealed.slice(ENC_LEN).buffer, ballotAad(vote.id, publicKeyBytes(b.key))),
    );
  } catch {
    return { why: 'does not open' };
  }
  if (pt.length !== 4) return { why: 'not a 4-byte choice' };
  const c = new DataView(pt.buffer).getUint32(0, false);
  return c < vote.options.length ? { choice: c } : { why: 'names no option' };
}

/**
 * Checks every released part against the trustees' published commitments (Feldman):
 * `s_t·G = Σ_dealers Σ_j C_j · (t+1)^j`. `dealings` are lists of commitments (33-byte points),
 * `parts` one 32-byte scalar or null per trustee. Throws naming the first bad part.
 */
export function checkParts(dealings, parts) {
  const P = p256.ProjectivePoint;
  const n = p256.CURVE.n;
  parts.forEach((part, t) => {
    if (!part) return;
    const x = BigInt(t + 1);
    let image = P.ZERO;
    for (const commitments of dealings) {
      let pow = 1n;
      for (const c of commitments) {
        image = image.add(P.fromHex(c).multiply(pow));
        pow = (pow * x) % n;
      }
    }
    const s = BigInt(`0x${bytesToHex(part)}`);
    if (s === 0n || s >= n || !P.BASE.multiply(s).equals(image)) throw new Error(`trustee ${t + 1}'s released part does not match the commitments`);
  });
}

/**
 * Recounts a vote from its proven record, box and tally and every ballot (as served): throws
 * when the ballots do not match the proven ballot chain, a released part does not match the
 * commitments, or the opening key is not the sealing key's; returns the recount and whether it
 * equals the chain's count.
 */
export async function recount(H, vote, box, tally, ballots) {
  if (ballots.length !== box.ballots) throw new Error(`the vote records ${box.ballots} ballots; ${ballots.length} were served`);
  let chain = new Uint8Array(32);
  ballots.forEach((b, i) => {
    if (b.n !== i) throw new Error(`ballot ${i} is numbered ${b.n}`);
    chain = chainNext(H, chain, b);
  });
  if (!equalBytes(chain, box.ballot_chain)) throw new Error('the ballots do not match the ballot chain (one is missing, added or altered)');
  if (vote.sealing.dealings.some((d) => !d)) throw new Error('not every trustee has dealt');
  checkParts(
    vote.sealing.dealings.map((d) => d.commitments),
    vote.sealing.parts,
  );
  if (tally.opening_key.length !== 32) throw new Error('no opening key published yet');
  if (!equalBytes(p256.getPublicKey(tally.opening_key, false), vote.sealing.public_key)) {
    throw new Error('the published opening key is not the sealing key');
  }
  const recipientKey = await hpke.kem.importKey('raw', tally.opening_key.slice().buffer, false);
  const counts = vote.options.map(() => 0);
  const invalid = [];
  for (const b of ballots) {
    const r = await openBallot(recipientKey, vote, b);
    if (r.why) invalid.push([b.n, r.why]);
    else counts[r.choice] += 1;
  }
  const matches = tally.complete && tally.invalid === invalid.length && counts.every((c, i) => c === tally.counts[i]);
  return { counts, invalid, matches };
}

export { bytesToHex };
