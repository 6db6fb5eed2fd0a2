// Verification of a certificate presentation (govchain-presentation/1) in the browser, in the
// order and with the reason codes of docs/credentials.md §5, over facts proven by bundles that
// are themselves verified against the genesis (verify.js). A holder's credential file
// (govchain-credential/1) is checked as a presentation that discloses every claim.

import { hexToBytes, bytesToHex } from '@noble/hashes/utils';
import { Writer, concat, utf8Bytes, equalBytes, compareBytes, base64Bytes } from './borsh.js';
import { verifyBundle, hashFor, verifySignature, parseTagged, SUITES, VerifyError } from './verify.js';
import { certificateKey, typeVersionKey, accountKey, decodeCertificate, decodeCertType, decodeAccount } from './model.js';

const CLAIM_DOMAIN = utf8Bytes('GOVCHAIN/CLAIM/v1\0');
const CLAIMS_DOMAIN = utf8Bytes('GOVCHAIN/CLAIMS/v1\0');
const CREDENTIAL_DOMAIN = utf8Bytes('GOVCHAIN/CREDENTIAL/v1\0');
const MAX_VALUE = 1024;

/** A failed check: `code` is one of credentials.md §5. */
class Refusal extends Error {
  constructor(code, detail, extra = {}) {
    super(detail);
    this.code = code;
    Object.assign(this, extra);
  }
}

function hexN(s, n, what) {
  const clean = String(s || '').replace(/^0x/, '');
  if (!new RegExp(`^[0-9a-fA-F]{${2 * n}}$`).test(clean)) throw new Refusal('malformed', `${what} must be ${n} bytes of hex`);
  return hexToBytes(clean);
}

function tagged(text, lengths, what) {
  const v = parseTagged(text, lengths);
  if (!v) throw new Refusal('malformed', `${what} must be alg:hex of the right length`);
  return v;
}

function isDate(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return !!m && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= 31;
}

function checkValue(kind, v) {
  if (utf8Bytes(v).length > MAX_VALUE) return false;
  if (kind === 'date') return isDate(v);
  if (kind === 'integer') {
    if (!/^-?\d{1,19}$/.test(v)) return false;
    const n = BigInt(v);
    return n >= -(2n ** 63n) && n < 2n ** 63n && n.toString() === v;
  }
  if (kind === 'boolean') return v === 'true' || v === 'false';
  return kind === 'text';
}

function coreBytes(c) {
  const w = new Writer()
    .string(c.chain_id)
    .string(c.certificate_id)
    .string(c.type_id)
    .u32(c.type_version)
    .string(c.issuer_org)
    .fixed(hexN(c.issuer, 20, 'core.issuer'))
    .fixed(hexN(c.holder, 32, 'core.holder'))
    .fixed(hexN(c.commitment, 32, 'core.commitment'))
    .u64(BigInt(c.valid_from_ms))
    .u64(BigInt(c.valid_until_ms));
  if (c.previous === null || c.previous === undefined) w.u8(0);
  else w.u8(1).string(c.previous);
  return concat(CREDENTIAL_DOMAIN, w.finish());
}

function parse(doc) {
  if (!doc || typeof doc !== 'object') throw new Refusal('malformed', 'not a JSON object');
  if (doc.format === 'govchain-credential/1') {
    return { ...doc, disclosed: doc.claims || [], hidden: [], proofs: [], fromCredential: true };
  }
  if (doc.format !== 'govchain-presentation/1') throw new Refusal('malformed', 'format must be govchain-presentation/1');
  const c = doc.core || {};
  for (const k of ['chain_id', 'certificate_id', 'type_id', 'issuer_org']) {
    if (typeof c[k] !== 'string') throw new Refusal('malformed', `core.${k} is missing`);
  }
  for (const k of ['type_version', 'valid_from_ms', 'valid_until_ms']) {
    if (!Number.isSafeInteger(c[k]) || c[k] < 0) throw new Refusal('malformed', `core.${k} must be a non-negative integer`);
  }
  if (!Array.isArray(doc.disclosed) || !Array.isArray(doc.hidden)) throw new Refusal('malformed', 'disclosed and hidden must be lists');
  return { ...doc, proofs: Array.isArray(doc.proofs) ? doc.proofs : [] };
}

/**
 * Verifies a presentation. `fetchProofs(id)` returns the node's current base64 bundles (null
 * when the node cannot be reached): online, the current status is what counts, so a revocation
 * after the presentation was made is seen; the bundles the presentation carries are used only
 * when the node cannot be reached, and the answer then says how old its status is. Returns `{ valid, code?, detail?, reason?, height?, ... }`: an invalid
 * presentation is an answer, not an exception; only bundle failures throw `VerifyError`.
 */
export async function verifyPresentation(doc, trust, fetchProofs, nowMs) {
  const out = { valid: false, disclosed: [], hidden: 0 };
  try {
    const p = parse(doc);
    const c = p.core;
    out.certificate_id = c.certificate_id;
    out.type_id = c.type_id;
    out.issuer_org = c.issuer_org;
    out.valid_from_ms = c.valid_from_ms;
    out.valid_until_ms = c.valid_until_ms;
    out.disclosed = p.disclosed.map((d) => [String(d.name), String(d.value)]);
    out.hidden = p.hidden.length;
    out.from_credential = !!p.fromCredential;
    if (SUITES[p.suite] !== trust.suite || c.chain_id !== trust.chain_id) throw new Refusal('wrong_chain', `for chain ${c.chain_id}`);
    const H = hashFor(trust.suite);

    // 3. the issuer's signature over the core
    const issuerKey = tagged(p.issuer_key, [32, 33], 'issuer_key');
    const signature = tagged(p.signature, [64, 64], 'signature');
    if (!verifySignature(issuerKey, coreBytes(c), signature)) throw new Refusal('bad_issuer_signature', 'the issuer signature does not verify');

    // 4. disclosed claims and hidden digests against the signed commitment
    const digests = p.hidden.map((x) => hexN(x, 32, 'hidden digest'));
    for (const d of p.disclosed) {
      if (typeof d.name !== 'string' || typeof d.value !== 'string') throw new Refusal('tampered_claim', 'a claim lacks its name or value');
      const salt = hexN(d.salt, 32, `salt of ${d.name}`);
      digests.push(H(CLAIM_DOMAIN, new Writer().string(d.name).string(d.value).fixed(salt).finish()));
    }
    digests.sort(compareBytes);
    const list = new Writer().u32(digests.length);
    for (const d of digests) list.fixed(d);
    if (!equalBytes(H(CLAIMS_DOMAIN, list.finish()), hexN(c.commitment, 32, 'core.commitment'))) {
      throw new Refusal('tampered_claim', 'the claims do not match the signed commitment');
    }

    // 5-8. facts proven by bundles (each verified against the genesis first)
    const current = await fetchProofs(c.certificate_id);
    out.offline = current === null;
    const bundles = current ?? p.proofs;
    const facts = [];
    for (const b64 of bundles) {
      const v = verifyBundle(base64Bytes(b64), trust);
      out.proven = out.proven && out.proven.height >= v.height ? out.proven : v;
      for (const e of v.claims) facts.push({ height: v.height, key: e.key, value: e.value });
    }
    const certFacts = facts.filter((f) => equalBytes(f.key, certificateKey(c.certificate_id))).sort((a, b) => b.height - a.height);
    const record = certFacts.length && certFacts[0].value ? decodeCertificate(certFacts[0].value) : null;
    if (!record) throw new Refusal('commitment_not_on_chain', 'no certificate with this id is on the ledger');
    const typeFact = facts.find((f) => f.value && equalBytes(f.key, typeVersionKey(record.type_id, record.type_version)));
    if (!typeFact) throw new Refusal('issuer_not_authorized', `no type ${c.type_id}`);
    const type = decodeCertType(typeFact.value);
    out.type_name = type.name;
    for (const d of p.disclosed) {
      const field = type.fields.find((f) => f.name === d.name);
      if (!field || !checkValue(field.kind, d.value)) throw new Refusal('tampered_claim', `claim ${d.name} does not fit type ${type.id}`);
    }
    if (!type.issuers.includes(c.issuer_org)) throw new Refusal('issuer_not_authorized', `${c.issuer_org} may not issue ${type.id}`);
    const issuer = hexN(c.issuer, 20, 'core.issuer');
    const acctFact = facts.find((f) => f.height === record.issued_height && f.value && equalBytes(f.key, accountKey(issuer)));
    const acct = acctFact ? decodeAccount(acctFact.value) : null;
    const sameKey = acct && acct.public_key.tag === issuerKey.tag && equalBytes(acct.public_key.bytes, issuerKey.bytes);
    if (!(acct && acct.org === c.issuer_org && acct.active && sameKey)) {
      throw new Refusal('issuer_not_authorized', 'the signing key was not the issuing account\u2019s key in that organisation at issuance');
    }
    const same =
      record.commitment === bytesToHex(hexN(c.commitment, 32, '')) &&
      record.holder === bytesToHex(hexN(c.holder, 32, '')) &&
      record.type_id === c.type_id &&
      record.type_version === c.type_version &&
      record.issuer_org === c.issuer_org &&
      record.issuer === '0x' + bytesToHex(issuer) &&
      record.issuer_key === `${issuerKey.tag === 0 ? 'ed25519' : 'sm2'}:${bytesToHex(issuerKey.bytes)}` &&
      record.valid_from_ms === c.valid_from_ms &&
      record.valid_until_ms === c.valid_until_ms;
    if (!same) throw new Refusal('commitment_not_on_chain', 'the ledger holds a different certificate under this id');
    out.issued_height = record.issued_height;
    out.status_height = certFacts[0].height;
    out.successor = record.successor;

    // 9-10. status, then validity against the verifier's clock
    if (record.status.kind !== 'active') {
      throw new Refusal(record.status.kind, record.status.reason, { reason: record.status.reason, height: record.status.height });
    }
    if (nowMs < record.valid_from_ms) throw new Refusal('not_yet_valid', 'not yet valid');
    if (nowMs > record.valid_until_ms) throw new Refusal('expired', 'expired');
    out.valid = true;
    return out;
  } catch (e) {
    if (!(e instanceof Refusal)) throw e instanceof VerifyError ? e : new VerifyError('malformed', e.message);
    return { ...out, valid: false, code: e.code, detail: e.message, reason: e.reason, height: e.height };
  }
}
