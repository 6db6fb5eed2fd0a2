// The verification page: fetches a proof bundle (or takes a file), verifies it in the browser
// against the genesis file, and shows what was proven, at which height, signed by whom.

import { bytesToHex } from '@noble/hashes/utils';
import { h, link, mono, fields } from './dom.js';
import { t, fmtTime } from './i18n.js';
import { apiBytes, api, router, ApiFailure } from './api.js';
import { verifyBundle, trustFromGenesis, VerifyError } from './verify.js';
import { decodeRecord, decodeCertificate, recordKey, recordKeyVersion, certificateKey } from './model.js';
import { equalBytes, base64Bytes } from './borsh.js';
import { verifyPresentation } from './presentation.js';

const MAX_FILE = 16 << 20;

/**
 * The trust root: the node's genesis file, pinned on this device the first time it is seen
 * (trust on first use); a different genesis later is refused with a warning.
 */
async function trustRoot() {
  const bytes = await apiBytes('/v1/genesis');
  const trust = trustFromGenesis(bytes);
  const pinKey = `govchain.genesis.${trust.chain_id}`;
  let pinned = null;
  try {
    pinned = JSON.parse(localStorage.getItem(pinKey) || 'null');
    if (!pinned) {
      pinned = { hash: trust.genesis_hash, since: Date.now() };
      localStorage.setItem(pinKey, JSON.stringify(pinned));
    }
  } catch {
    pinned = { hash: trust.genesis_hash, since: Date.now() };
  }
  if (pinned.hash !== trust.genesis_hash) throw new VerifyError('genesis_changed', t('genesis_changed'));
  trust.pinned_since = pinned.since;
  return trust;
}

/** Verifies and returns [trust, proven]; the caller checks that the claim is the one asked for. */
async function check(bytes) {
  const trust = await trustRoot();
  return [trust, verifyBundle(bytes, trust)];
}

function claimFor(proven, key) {
  const c = proven.claims.find((x) => equalBytes(x.key, key));
  if (!c) throw new VerifyError('wrong_claim', 'the proof is about another ledger entry than the one requested');
  return c;
}

async function verifyRecord(id, version) {
  const q = version ? `?version=${encodeURIComponent(version)}` : '';
  const [trust, proven] = await check(await apiBytes(`/v1/proofs/records/${encodeURIComponent(id)}${q}`));
  const c = version ? claimFor(proven, recordKey(id, Number(version))) : proven.claims.find((x) => recordKeyVersion(x.key, id) !== null);
  if (!c) throw new VerifyError('wrong_claim', 'the proof is about another ledger entry than the one requested');
  if (c.value === null) throw new VerifyError('absent', `${id}: ${t('absent')}`);
  const rec = decodeRecord(c.value);
  if (rec.id !== id || rec.version !== recordKeyVersion(c.key, id)) throw new VerifyError('wrong_claim', 'the proven record does not match its key');
  return { trust, proven, verdict: ['ok', `${t('verified')}: ${t('record')} ${rec.id} · ${t('proof_of_version', rec.version)}`], facts: recordFacts(rec) };
}

async function verifyCertificate(id) {
  const status = await api(`/v1/certificates/${encodeURIComponent(id)}/status?proof=true`);
  if (!status.proof) throw new VerifyError('no_proof', 'the node sent no proof');
  const [trust, proven] = await check(base64Bytes(status.proof));
  const c = claimFor(proven, certificateKey(id));
  if (c.value === null) return { trust, proven, verdict: ['bad', t('cert_unknown')], facts: [], outcome: 'unknown' };
  const cert = decodeCertificate(c.value);
  if (cert.id !== id) throw new VerifyError('wrong_claim', 'the proven certificate does not match its key');
  const now = Date.now();
  let outcome = cert.status.kind;
  if (outcome === 'active' && now >= cert.valid_until_ms) outcome = 'expired';
  if (outcome === 'active' && now < cert.valid_from_ms) outcome = 'not_yet';
  const label = { active: 'cert_valid', revoked: 'cert_revoked', suspended: 'cert_suspended', expired: 'cert_expired', not_yet: 'cert_not_yet' }[outcome];
  const why = cert.status.reason ? ` — ${t('reason')}: ${cert.status.reason} (${t('block')} ${cert.status.height})` : '';
  return { trust, proven, verdict: [outcome === 'active' ? 'ok' : 'bad', `${t(label)}${why}`], facts: certFacts(cert), outcome };
}

async function verifyTransaction(hash) {
  const want = hash.replace(/^0x/, '').toLowerCase();
  const [trust, proven] = await check(await apiBytes(`/v1/proofs/txs/${encodeURIComponent(want)}`));
  if (!proven.transaction || proven.transaction.tx_hash !== want) {
    throw new VerifyError('wrong_claim', 'the proof is about another ledger entry than the one requested');
  }
  const x = proven.transaction;
  return { trust, proven, verdict: ['ok', `${t('verified')}: ${t('tx')} · ${t('in_block')} ${proven.height}`], facts: txFacts(x), outcome: x.outcome.kind };
}

function txFacts(x) {
  return [
    [t('tx'), link(`/txs/${x.tx_hash}`, mono(x.tx_hash))],
    [t('index'), `${x.index + 1} / ${x.total}`],
    [t('signer'), link(`/accounts/${x.signer}`, mono(x.signer))],
    [t('call'), mono(x.call)],
    [t('outcome'), x.outcome.kind === 'success' ? x.outcome.kind : `${x.outcome.kind}: ${x.outcome.code} ${x.outcome.message}`],
    [t('events'), h('ul', { class: 'plain' }, x.events.map((e) => h('li', {}, `${e.module}.${e.kind} `, h('span', { class: 'muted' }, e.attributes.map(([k, v]) => `${k}=${v}`).join(' ')))))],
  ];
}

async function verifyFile(file) {
  if (file.size > MAX_FILE) throw new VerifyError('too_large', 'the file is larger than 16 MiB');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length && bytes[0] === 0x7b /* { */) return checkPresentationFile(bytes);
  const [trust, proven] = await check(bytes);
  const facts = proven.transaction ? txFacts(proven.transaction) : [];
  for (const c of proven.claims) {
    const key = new TextDecoder().decode(c.key);
    if (c.value && key.startsWith('records/v/')) facts.push(...recordFacts(decodeRecord(c.value)));
    else if (c.value && key.startsWith('certificates/cert/')) facts.push(...certFacts(decodeCertificate(c.value)));
    else facts.push([t('proven_key'), mono(printable(c.key))], [t('proven_value'), c.value ? mono(bytesToHex(c.value.subarray(0, 256))) : t('absent')]);
  }
  return { trust, proven, verdict: ['ok', t('verified')], facts };
}

async function checkPresentationFile(bytes) {
  let doc;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new VerifyError('malformed', t('pres_malformed'));
  }
  const trust = await trustRoot();
  const fetchProofs = async (id) => {
    try {
      return (await api(`/v1/certificates/${encodeURIComponent(id)}/proofs`)).bundles;
    } catch (e) {
      if (e instanceof ApiFailure) return e.status === 404 ? [] : null;
      return null; // the node cannot be reached: fall back to the presentation's own proofs
    }
  };
  const r = await verifyPresentation(doc, trust, fetchProofs, Date.now());
  const message = r.valid
    ? t('pres_valid')
    : ['revoked', 'suspended', 'expired', 'not_yet_valid'].includes(r.code)
      ? `${t({ revoked: 'cert_revoked', suspended: 'cert_suspended', expired: 'cert_expired', not_yet_valid: 'cert_not_yet' }[r.code])}${r.reason ? ` — ${t('reason')}: ${r.reason} (${t('block')} ${r.height})` : ''}`
      : `${t(`pres_${r.code}`)} (${r.detail})`;
  const facts = [
    [t('certificate'), r.certificate_id ? link(`/certificates/${r.certificate_id}`, mono(r.certificate_id, true)) : null],
    [t('type'), r.type_name ? `${r.type_name} (${r.type_id})` : r.type_id],
    [t('issuer_org'), r.issuer_org],
    [t('disclosed'), r.disclosed.length ? h('dl', { class: 'claims' }, r.disclosed.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : null],
    ['', r.hidden ? t('hidden_count', r.hidden) : null],
    [t('valid_from'), r.valid_from_ms !== undefined ? fmtTime(r.valid_from_ms) : null],
    [t('valid_until'), r.valid_until_ms !== undefined ? fmtTime(r.valid_until_ms) : null],
    [t('issued_height'), r.issued_height ? String(r.issued_height) : null],
    [t('successor'), r.successor ? link(`/certificates/${r.successor}`, mono(r.successor, true)) : null],
  ];
  if (r.from_credential) facts.unshift(['', h('strong', {}, t('credential_warning'))]);
  if (r.offline && r.proven) facts.unshift(['', h('strong', {}, t('offline_status', r.proven.height, fmtTime(r.proven.time_ms)))]);
  const verdict = [r.valid ? 'ok' : 'bad', message];
  if (!r.proven) return { trust, verdict, facts, outcome: r.valid ? 'valid' : r.code, noProof: true };
  return { trust, proven: r.proven, verdict, facts, outcome: r.valid ? 'valid' : r.code };
}

const printable = (bytes) => Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');

function recordFacts(r) {
  return [
    [t('record'), link(`/records/${r.id}`, r.id)],
    [t('version'), String(r.version)],
    [t('title'), r.title],
    [t('org'), r.org],
    [t('category'), r.category],
    [t('status'), r.status === 'withdrawn' ? `${t('withdrawn')}: ${r.reason}` : t('active')],
    [t('time'), fmtTime(r.time_ms)],
    [t('body'), h('div', { class: 'body' }, r.body)],
  ];
}

function certFacts(c) {
  return [
    [t('certificate'), link(`/certificates/${c.id}`, mono(c.id, true))],
    [t('type'), `${c.type_id} v${c.type_version}`],
    [t('issuer_org'), c.issuer_org],
    [t('status'), t(`st_${c.status.kind}`) + (c.status.reason ? ` — ${c.status.reason}` : '')],
    [t('valid_from'), fmtTime(c.valid_from_ms)],
    [t('valid_until'), fmtTime(c.valid_until_ms)],
    [t('issued_height'), String(c.issued_height)],
  ];
}

function resultView(r) {
  const p = r.proven;
  if (!p) {
    return h(
      'div',
      { class: `result ${r.verdict[0]}`, 'data-testid': 'verdict', 'data-outcome': r.outcome },
      h('p', { class: 'verdict' }, h('span', { 'aria-hidden': 'true' }, r.verdict[0] === 'ok' ? '✔ ' : '✖ '), r.verdict[1]),
      fields(r.facts),
    );
  }
  return h(
    'div',
    { class: `result ${r.verdict[0]}`, 'data-testid': 'verdict', 'data-outcome': r.outcome || r.verdict[0] },
    h('p', { class: 'verdict' }, h('span', { 'aria-hidden': 'true' }, r.verdict[0] === 'ok' ? '✔ ' : '✖ '), r.verdict[1]),
    h('p', {}, t('proven_at', p.height, fmtTime(p.time_ms))),
    fields(r.facts),
    h('h3', {}, t('signed_by', p.power, p.total)),
    h('ul', { class: 'plain' }, p.signers.map((s) => h('li', {}, mono(`0x${s.address}`), ` · ${s.org} · ${t('voting_power')} ${s.voting_power}`))),
    fields([
      [t('block'), link(`/blocks/${p.height}`, String(p.height))],
      [t('block_hash'), mono(p.blockHash)],
      [t('state_root'), mono(p.state_root)],
      [t('valset_changes'), String(p.valset_changes)],
      [t('trusted_genesis'), [mono(r.trust.genesis_hash), h('span', { class: 'muted' }, ` (${t('genesis_pinned')} ${fmtTime(r.trust.pinned_since)})`)]],
    ]),
  );
}

function failureView(e) {
  const code = e instanceof VerifyError ? e.code : e.code || 'error';
  return h(
    'div',
    { class: 'result bad', 'data-testid': 'verdict', 'data-outcome': 'failed', 'data-code': code },
    h('p', { class: 'verdict' }, h('span', { 'aria-hidden': 'true' }, '✖ '), t('failed')),
    h('p', {}, e.message, ' ', h('span', { class: 'muted' }, `(${code})`)),
  );
}

async function run(target, job) {
  target.replaceChildren(h('p', { class: 'muted' }, t('verifying')));
  try {
    target.replaceChildren(resultView(await job()));
  } catch (e) {
    target.replaceChildren(failureView(e));
  }
}

/**
 * `/verify?record=ID[&version=N]`, `/verify?cert=ID` (the certificate QR link),
 * `/verify?tx=HASH`, or a proof file.
 */
export async function verifyPage(_, params) {
  const out = h('div', { id: 'verify-result', role: 'status', 'aria-live': 'polite' });
  const recordForm = h(
    'form',
    { class: 'inline', onsubmit: (ev) => go(ev, { record: ev.target.record.value.trim(), version: ev.target.version.value.trim() }) },
    h('div', { class: 'field' }, h('label', { for: 'v-record' }, t('verify_record_id')), h('input', { id: 'v-record', name: 'record', required: true, value: params.get('record') || '' })),
    h('div', { class: 'field' }, h('label', { for: 'v-version' }, t('verify_record_version')), h('input', { id: 'v-version', name: 'version', inputmode: 'numeric', pattern: '[0-9]*', value: params.get('version') || '' })),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('verify_go'))),
  );
  const certForm = h(
    'form',
    { class: 'inline', onsubmit: (ev) => go(ev, { cert: ev.target.cert.value.trim() }) },
    h('div', { class: 'field' }, h('label', { for: 'v-cert' }, t('verify_cert_id')), h('input', { id: 'v-cert', name: 'cert', required: true, value: params.get('cert') || '' })),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('verify_go'))),
  );
  const fileInput = h('input', {
    id: 'v-file',
    type: 'file',
    onchange: (ev) => ev.target.files[0] && run(out, () => verifyFile(ev.target.files[0])),
  });
  const page = [
    h('h1', {}, t('verify_title')),
    h('p', {}, t('verify_intro')),
    out,
    h('div', { class: 'cols' }, recordForm, certForm),
    h('div', { class: 'field' }, h('label', { for: 'v-file' }, t('verify_file')), fileInput),
  ];
  if (params.get('record')) run(out, () => verifyRecord(params.get('record'), params.get('version')));
  else if (params.get('cert')) run(out, () => verifyCertificate(params.get('cert')));
  else if (params.get('tx')) run(out, () => verifyTransaction(params.get('tx')));
  return page;
}

function go(ev, query) {
  ev.preventDefault();
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  router.navigate(`/verify?${q}`);
}

