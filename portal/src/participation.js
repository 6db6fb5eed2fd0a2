// Public participation pages: votes (cast a sealed ballot signed in the browser with the kit
// file's one-time key; the result recounted here from proven chain data), consultations
// (comment once from a kit file; answers and moderations), tenders and their awards.

import { h, link, fields, mono, table } from './dom.js';
import { t } from './i18n.js';
import { api, apiBytes, live, router } from './api.js';
import { hashFor, trustFromGenesis, verifyBundle } from './verify.js';
import { base64Bytes, utf8Bytes } from './borsh.js';
import { submitCall } from './txsign.js';
import { bytesToHex, castArgs, commentArgs, decodeBox, decodeTally, decodeVote, kitKey, recount } from './participation-core.js';

const verdict = (ok, text) =>
  h('p', { class: `verdict ${ok ? 'valid' : 'invalid'}`, role: ok ? null : 'alert', 'data-verdict': ok ? 'valid' : 'invalid' }, text);

function kitInput(prefix) {
  const file = h('input', { id: `${prefix}-kit`, type: 'file', accept: '.json,application/json' });
  const row = h('p', {}, h('label', { for: `${prefix}-kit` }, t('pa_kit')), ' ', file);
  const read = async () => {
    if (!file.files[0]) throw new Error(t('pa_kit'));
    try {
      return JSON.parse(await file.files[0].text());
    } catch {
      throw new Error(t('pa_kit_format'));
    }
  };
  return { row, read };
}

const kitError = (e) => (['kit_format', 'kit_other', 'kit_no_token', 'wf_sm2'].includes(e.message) ? t(e.message === 'wf_sm2' ? 'wf_sm2' : `pa_${e.message}`) : e.message);

/** `/votes`: every vote. */
export async function votes() {
  const list = await api('/v1/votes');
  return [
    h('h1', {}, t('nav_votes')),
    h('p', {}, t('pa_votes_intro')),
    table(
      t('nav_votes'),
      [t('pa_title'), t('pa_org'), t('pa_status'), t('pa_opens'), t('pa_closes'), t('pa_ballots')],
      list.map((v) => [link(`/votes/${v.id}`, v.title), v.org, t(`pa_st_${v.status}`), String(v.opens_height), String(v.closes_height), String(v.ballots)]),
    ),
  ];
}

/** The cast form of an open vote. */
function castForm(v) {
  const kit = kitInput('vote');
  const out = h('div', { id: 'vote-cast-result', 'aria-live': 'polite' });
  const options = v.vote.options.map((o, i) =>
    h('p', {}, h('input', { type: 'radio', name: 'vote-option', id: `vote-option-${i}`, value: String(i), required: true }), ' ', h('label', { for: `vote-option-${i}` }, o)),
  );
  const form = h('form', { id: 'vote-form' }, h('fieldset', {}, h('legend', {}, t('pa_choose')), ...options), kit.row, h('button', { id: 'vote-cast', type: 'submit' }, t('pa_cast')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren(h('p', {}, t('wf_signing')));
    try {
      const choice = Number(form.querySelector('input[name="vote-option"]:checked').value);
      const k = await kit.read();
      let key;
      try {
        key = kitKey(k, 'vote', v.vote.id);
      } catch (e) {
        throw new Error(kitError(e));
      }
      const args = await castArgs(v.vote.id, v.vote.sealing.public_key, key, k.token, choice);
      const { hash } = await submitCall(key, 'vote', 'cast', args, { fresh: true });
      out.replaceChildren(verdict(true, t('pa_cast_done', v.vote.options[choice])), h('p', {}, link(`/txs/${hash}`, mono(hash, true))));
    } catch (e) {
      out.replaceChildren(verdict(false, `${t('wf_failed')}: ${e.message}`));
    }
  });
  return h('section', {}, h('h2', {}, t('pa_cast_title')), h('p', { class: 'muted' }, t('pa_cast_help')), form, out);
}

async function allBallots(id) {
  const out = [];
  let from = 0;
  while (from !== null && from !== undefined) {
    const page = await api(`/v1/votes/${id}/ballots?from=${from}`);
    out.push(...page.ballots);
    from = page.next;
  }
  return out;
}

/** Recounts in this browser: the vote, box and tally proven against the genesis, every ballot checked against the proven ballot chain, then opened and counted here. */
async function recountHere(id) {
  try {
    const v = await api(`/v1/votes/${id}?proof=true`);
    const trust = trustFromGenesis(await apiBytes('/v1/genesis'));
    const proven = verifyBundle(base64Bytes(v.proof), trust);
    const byKey = new Map(proven.claims.map((c) => [bytesToHex(c.key), c.value]));
    const value = (prefix) => byKey.get(bytesToHex(utf8Bytes(`vote/${prefix}/${id}`)));
    const voteBytes = value('v');
    const tallyBytes = value('tally');
    if (!voteBytes) throw new Error('the proof does not contain the vote');
    if (!tallyBytes) throw new Error(t('pa_no_count'));
    const vote = decodeVote(voteBytes);
    const box = value('box') ? decodeBox(value('box')) : { tokens_issued: 0, ballots: 0, ballot_chain: new Uint8Array(32) };
    const tally = decodeTally(tallyBytes);
    const r = await recount(hashFor(trust.suite), vote, box, tally, await allBallots(id));
    const result = vote.options.map((o, i) => `${o} ${r.counts[i]}`).join(' · ');
    const rows = vote.options.map((o, i) => [o, String(r.counts[i]), String(tally.counts[i])]);
    return h(
      'div',
      { id: 'vote-recount-result' },
      verdict(r.matches, r.matches ? t('pa_recount_ok', result, r.invalid.length, proven.height) : t('pa_recount_differs', result)),
      table(t('pa_recount'), [t('pa_option'), t('pa_here'), t('pa_chain')], rows),
      h('p', { class: 'muted' }, t('pa_proof_of', proven.height, proven.blockHash, proven.power, proven.total)),
      r.invalid.length ? table(t('pa_invalid'), ['#', t('pa_reason')], r.invalid.map(([n, why]) => [String(n), why])) : null,
    );
  } catch (e) {
    return h('div', { id: 'vote-recount-result' }, verdict(false, `${t('pa_recount_failed')}: ${e.message}`));
  }
}

/** `/votes/{id}`: the vote, the cast form while open, the count and its recount here. */
export async function vote([id]) {
  const v = await api(`/v1/votes/${id}`);
  const x = v.vote;
  const s = x.sealing;
  const open = x.status === 'ready' && v.height + 1 >= x.opens_height && v.height < x.closes_height;
  // Follow the vote live (not while the cast form is open: a refresh would wipe it).
  if (x.status !== 'final' && !open) {
    live.onBlock = async () => {
      const now = await api(`/v1/votes/${id}`);
      if (now.vote.status !== x.status || now.ballot_box.ballots !== v.ballot_box.ballots) router.refresh();
    };
  }
  const recountOut = h('div', { 'aria-live': 'polite' });
  const recountBtn = h('button', { id: 'vote-recount', type: 'button' }, t('pa_recount_here'));
  recountBtn.addEventListener('click', async () => {
    recountOut.replaceChildren(h('p', {}, t('loading')));
    recountOut.replaceChildren(await recountHere(id));
  });
  return [
    h('h1', {}, x.title),
    fields([
      [t('pa_org'), link(`/orgs/${x.org}`, x.org)],
      [t('pa_status'), h('span', { id: 'vote-status' }, t(`pa_st_${x.status}`))],
      [t('pa_options'), x.options.join(' · ')],
      [t('pa_eligibility'), `${x.eligibility.cert_type}${x.eligibility.condition ? ` (${x.eligibility.condition})` : ''}`],
      [t('pa_authority'), mono(x.eligibility.authority)],
      [t('pa_period'), `${x.opens_height} – ${x.closes_height}`],
      [t('pa_trustees'), t('pa_k_of_n', s.k, s.trustees.length, s.trustee_orgs.join(', '))],
      [t('pa_sealing_key'), s.public_key ? mono(s.public_key, true) : t('pa_st_keying')],
      [t('pa_ballots'), t('pa_tokens_ballots', v.ballot_box.tokens_issued, v.ballot_box.ballots)],
      [t('pa_text_hash'), mono(x.text_hash, true)],
    ]),
    open ? castForm(v) : null,
    v.tally
      ? h(
          'section',
          {},
          h('h2', {}, t('pa_result')),
          table(t('pa_result'), [t('pa_option'), t('pa_votes')], x.options.map((o, i) => [o, String(v.tally.counts[i] ?? 0)])),
          h('p', { class: 'muted' }, t('pa_counted', v.tally.opened, v.ballot_box.ballots, v.tally.invalid)),
          recountBtn,
          recountOut,
        )
      : null,
  ];
}

/** `/consultations`: every consultation. */
export async function consultations() {
  const list = await api('/v1/consultations');
  return [
    h('h1', {}, t('nav_consultations')),
    h('p', {}, t('pa_consult_intro')),
    table(
      t('nav_consultations'),
      [t('pa_title'), t('pa_org'), t('pa_period'), t('pa_comments')],
      list.map((c) => [link(`/consultations/${c.id}`, c.title), c.org, `${c.opens_height} – ${c.closes_height}`, String(c.comments)]),
    ),
  ];
}

function commentForm(c) {
  const kit = kitInput('consult');
  const text = h('textarea', { id: 'consult-text', rows: '4', maxlength: '4000', required: true });
  const out = h('div', { id: 'consult-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { id: 'consult-form' },
    h('p', {}, h('label', { for: 'consult-text' }, t('pa_your_comment')), h('br'), text),
    h('p', { class: 'muted' }, t('pa_comment_public')),
    kit.row,
    h('button', { id: 'consult-post', type: 'submit' }, t('pa_post')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren(h('p', {}, t('wf_signing')));
    try {
      const k = await kit.read();
      let key;
      try {
        key = kitKey(k, 'consult', c.id);
      } catch (e) {
        throw new Error(kitError(e));
      }
      await submitCall(key, 'consult', 'comment', commentArgs(c.id, k.token, text.value), { fresh: true });
      router.refresh();
    } catch (e) {
      out.replaceChildren(verdict(false, `${t('wf_failed')}: ${e.message}`));
    }
  });
  return h('section', {}, h('h2', {}, t('pa_comment_title')), form, out);
}

/** `/consultations/{id}`: the consultation, its comments with answers and moderations. */
export async function consultation([id]) {
  const v = await api(`/v1/consultations/${id}`);
  const c = v.consultation;
  const open = v.height + 1 >= c.opens_height && v.height < c.closes_height;
  const comments = v.comments.map((m) =>
    h(
      'li',
      { class: 'card', 'data-comment': String(m.n) },
      h('p', { class: 'muted' }, `#${m.n} · `, mono(m.pseudonym, true), ` · ${t('pa_height')} ${m.height}`),
      m.moderation ? h('p', { class: 'moderated' }, t('pa_moderated', m.moderation.reason)) : h('p', {}, m.text),
      m.answer ? h('blockquote', { class: 'answer' }, h('strong', {}, `${c.org}: `), m.answer.text) : null,
    ),
  );
  return [
    h('h1', {}, c.title),
    fields([
      [t('pa_org'), link(`/orgs/${c.org}`, c.org)],
      [t('pa_period'), `${c.opens_height} – ${c.closes_height}`],
      [t('pa_eligibility'), `${c.eligibility.cert_type}${c.eligibility.condition ? ` (${c.eligibility.condition})` : ''}`],
      [t('pa_text_hash'), mono(c.text_hash, true)],
      [t('pa_documents'), c.documents.length ? h('span', {}, ...c.documents.map((d) => [mono(d, true), ' '])) : '—'],
      [t('pa_comments'), t('pa_tokens_comments', c.tokens_issued, c.comments)],
    ]),
    open ? commentForm(c) : null,
    h('section', {}, h('h2', {}, t('pa_comments')), comments.length ? h('ul', { class: 'cards', id: 'comments' }, ...comments) : h('p', { class: 'muted' }, t('pa_no_comments'))),
  ];
}

/** `/tenders`: every tender. */
export async function tenders() {
  const list = await api('/v1/tenders');
  return [
    h('h1', {}, t('nav_tenders')),
    h('p', {}, t('pa_tenders_intro')),
    table(
      t('nav_tenders'),
      [t('pa_title'), t('pa_org'), t('pa_status'), t('pa_deadline'), t('pa_bids'), t('pa_winner')],
      list.map((x) => [link(`/tenders/${x.id}`, x.title), x.org, t(`pa_ts_${x.status}`), String(x.deadline_height), String(x.bids), x.winner ? mono(x.winner, true) : '—']),
    ),
  ];
}

/** `/tenders/{id}`: the notice and rule, the sealed bids, and after the opening every bid and the award. */
export async function tender([id]) {
  const v = await api(`/v1/tenders/${id}`);
  const x = v.tender;
  const s = x.sealing;
  const rule = x.criteria.map((c) => `${c.name} × ${c.weight} (${t(`pa_better_${c.better}`)}${c.limit != null ? `, ${t('pa_limit')} ${c.limit}` : ''})`).join(' + ');
  const a = v.award;
  return [
    h('h1', {}, x.title),
    fields([
      [t('pa_org'), link(`/orgs/${x.org}`, x.org)],
      [t('pa_status'), h('span', { id: 'tender-status' }, t(`pa_ts_${x.status}`))],
      [t('pa_lot'), x.lot],
      [t('pa_rule'), rule],
      [t('pa_tiebreak'), t('pa_tiebreak_text')],
      [t('pa_eligibility'), `${x.eligibility.cert_type}${x.eligibility.condition ? ` (${x.eligibility.condition})` : ''}`],
      [t('pa_deadline'), String(x.deadline_height)],
      [t('pa_trustees'), t('pa_k_of_n', s.k, s.trustees.length, s.trustee_orgs.join(', '))],
      [t('pa_bids'), t('pa_admitted_bids', x.admitted, x.bids)],
    ]),
    a
      ? h(
          'section',
          { id: 'award' },
          h('h2', {}, t('pa_award')),
          a.winner !== null && a.winner !== undefined
            ? verdict(true, t('pa_awarded_to', a.bids[a.winner].bidder, (a.bids[a.winner].points / 1e6).toFixed(6)))
            : verdict(false, t('pa_ts_no_award')),
          table(
            t('pa_bids'),
            ['#', t('pa_bidder'), ...x.criteria.map((c) => c.name), t('pa_points'), t('pa_reason')],
            a.bids.map((b) => [String(b.n), mono(b.bidder, true), ...x.criteria.map((_, i) => (b.values.length ? String(b.values[i]) : '—')), (b.points / 1e6).toFixed(6), b.invalid || '—']),
          ),
          h('p', { class: 'muted' }, t('pa_verify_cli', id)),
        )
      : table(t('pa_sealed_bids'), ['#', t('pa_bidder'), t('pa_height'), t('pa_sealed')], v.bids.map((b) => [String(b.n), mono(b.bidder, true), String(b.height), t('pa_bytes', b.sealed.length / 2)])),
  ];
}
