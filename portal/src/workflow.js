// Approval workflows: the process catalog, applying with a form generated from the definition
// and signed in the browser, an instance's public timeline with every step verified against a
// proof bundle, and an officer's task list and actions (signed the same way).

import { bytesToHex } from '@noble/hashes/utils';
import { h, link, fields, mono, table } from './dom.js';
import { t, fmtTime } from './i18n.js';
import { api, apiBytes, live, router } from './api.js';
import { trustFromGenesis, verifyBundle } from './verify.js';
import { openKeystore } from './whoused-core.js';
import { Reader, base64Bytes, concat, utf8Bytes } from './borsh.js';
import { actArgs, addressOf, applyArgs, submitCall, suiteHash } from './txsign.js';

/** `/services`: every process's latest version. */
export async function catalog() {
  const list = await api('/v1/workflow/processes');
  return [
    h('h1', {}, t('nav_services')),
    h('p', {}, t('wf_intro')),
    h(
      'ul',
      { class: 'cards' },
      ...list.map((p) =>
        h('li', { class: 'card', 'data-process': `${p.org}/${p.id}` }, h('h2', {}, link(`/services/${p.org}/${p.id}`, p.name)), h('p', { class: 'muted' }, `${p.org} · ${t('wf_version')} ${p.version}`)),
      ),
    ),
  ];
}

function keyInputs(prefix) {
  const file = h('input', { id: `${prefix}-key`, type: 'file', accept: '.json,application/json' });
  const pass = h('input', { id: `${prefix}-pass`, type: 'password', autocomplete: 'off' });
  const row = [
    h('p', {}, h('label', { for: `${prefix}-key` }, t('wf_key')), ' ', file),
    h('p', {}, h('label', { for: `${prefix}-pass` }, t('wf_pass')), ' ', pass),
  ];
  const open = async () => {
    if (!file.files[0]) throw new Error(t('wf_key'));
    let key;
    try {
      key = await openKeystore(JSON.parse(await file.files[0].text()), pass.value);
    } catch (e) {
      throw new Error(t(e.message === 'keystore_wrong' ? 'ds_keystore_wrong' : 'ds_keystore_format'));
    }
    if (key.alg !== 'ed25519') throw new Error(t('wf_sm2'));
    return key;
  };
  return { row, open };
}

function input(f) {
  const id = `f-${f.name}`;
  const attrs = { id, name: f.name, 'data-kind': f.kind };
  if (f.required) attrs.required = '';
  const el =
    f.kind === 'bool'
      ? h('input', { ...attrs, type: 'checkbox' })
      : h('input', { ...attrs, type: f.kind === 'int' ? 'number' : 'text', maxlength: f.kind === 'int' ? undefined : String(f.max_len || 256) });
  return h('p', {}, h('label', { for: id }, f.label || f.name), ' ', el);
}

function formValues(form, defFields) {
  const out = {};
  for (const f of defFields) {
    const el = form.querySelector(`[name="${f.name}"]`);
    if (f.kind === 'bool') out[f.name] = el.checked;
    else if (el.value.trim() === '') continue;
    else if (f.kind === 'int') out[f.name] = BigInt(el.value.trim());
    else if (f.kind === 'text_list') out[f.name] = el.value.split(',').map((s) => s.trim()).filter(Boolean);
    else out[f.name] = el.value.trim();
  }
  return out;
}

/** `/services/{org}/{id}`: the definition and its application form. */
export async function process([org, id]) {
  const view = await api(`/v1/workflow/processes/${org}/${id}`);
  const d = view.deployed;
  const def = d.definition;
  const out = h('div', { id: 'apply-result', 'aria-live': 'polite' });
  const key = keyInputs('apply');
  const form = h('form', { id: 'apply-form' }, ...def.fields.map(input), ...key.row, h('button', { id: 'apply-go', type: 'submit' }, t('wf_sign_apply')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren(h('p', {}, t('wf_signing')));
    try {
      const k = await key.open();
      const args = applyArgs(org, id, d.version, formValues(form, def.fields));
      const { hash, suite } = await submitCall(k, 'workflow', 'apply', args);
      const instance = bytesToHex(suiteHash(suite)(concat(utf8Bytes('GOVCHAIN/WORKFLOW-INSTANCE/v1\0'), hexBytes(hash))));
      router.navigate(`/applications/${instance}`);
    } catch (e) {
      out.replaceChildren(h('p', { class: 'verdict invalid', role: 'alert' }, `${t('wf_failed')}: ${e.message}`));
    }
  });
  return [
    h('h1', {}, def.name),
    h('p', {}, def.description),
    fields([
      [t('wf_process'), `${d.org}/${def.id}`],
      [t('wf_version'), `${d.version} · ${d.hash}`],
    ]),
    h('section', {}, h('h2', {}, t('wf_apply')), form, out),
  ];
}

function hexBytes(hex) {
  return Uint8Array.from(hex.match(/../g).map((b) => parseInt(b, 16)));
}

const STEP_KINDS = ['applied', 'manual', 'auto', 'deadline', 'reminder', 'job'];

/** Decodes a stored `Step` (crates/modules/workflow/src/model.rs). */
function decodeStep(bytes) {
  const r = new Reader(bytes);
  const n = r.u32();
  const kind = STEP_KINDS[r.u8()];
  const height = r.num();
  const time_ms = r.num();
  const tx_hash = bytesToHex(r.fixed(32));
  const actor = r.option(() => `0x${bytesToHex(r.fixed(20))}`);
  const what = r.string();
  const from = r.string();
  const to = r.string();
  const note = r.string();
  if (r.o !== bytes.length) throw new Error('trailing bytes');
  return { n, kind, height, time_ms, tx_hash, actor, what, from, to, note };
}

function stepKey(id, n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return concat(utf8Bytes(`workflow/step/${id}/`), b);
}

/** Checks every step shown against the proof bundle; returns the verdict element. */
async function verifySteps(v) {
  try {
    const trust = trustFromGenesis(await apiBytes('/v1/genesis'));
    const proven = verifyBundle(base64Bytes(v.proof), trust);
    const byKey = new Map(proven.claims.map((c) => [bytesToHex(c.key), c.value]));
    for (const s of v.steps) {
      const value = byKey.get(bytesToHex(stepKey(v.instance.id, s.n)));
      if (!value) throw new Error(`step ${s.n} is not proven`);
      const d = decodeStep(value);
      if (d.kind !== s.kind || d.height !== s.height || d.to !== s.to || d.what !== s.what || d.note !== s.note) {
        throw new Error(`step ${s.n} differs from its proof`);
      }
    }
    return h('p', { class: 'verdict valid', 'data-verdict': 'valid' }, t('wf_verified', proven.height, v.steps.length));
  } catch (e) {
    return h('p', { class: 'verdict invalid', role: 'alert', 'data-verdict': 'invalid' }, `${t('wf_unverified')}: ${e.message}`);
  }
}

/** `/applications/{id}`: an instance, its timeline verified, and the actions open now. */
export async function instance([id]) {
  const v = await api(`/v1/workflow/instances/${id}?proof=true`);
  const i = v.instance;
  const rows = v.steps.map((s) => [String(s.n), s.kind, s.what, s.from, s.to, s.note || '—', s.actor ? mono(s.actor, true) : '—', link(`/blocks/${s.height}`, String(s.height)), fmtTime(s.time_ms)]);
  const jobs = Object.values(i.jobs).map((j) => [j.id, j.kind, j.status, String(j.attempts), j.error || '—', JSON.stringify(j.output)]);
  const out = h('div', { id: 'act-result', 'aria-live': 'polite' });
  // Follow the instance live while it waits for the engine or a job (not while a form is open).
  const waiting = !i.outcome || Object.values(i.jobs).some((j) => j.status === 'pending');
  if (waiting && v.open.length === 0) {
    live.onBlock = async () => {
      const now = await api(`/v1/workflow/instances/${id}`);
      if (now.instance.steps !== i.steps) router.refresh();
    };
  }
  let actForm = null;
  if (v.open.length > 0) {
    const key = keyInputs('act');
    const select = h('select', { id: 'act-transition' }, ...v.open.map((o) => h('option', { value: o.id }, o.label)));
    const reason = h('input', { id: 'act-reason', type: 'text', maxlength: '1024' });
    actForm = h(
      'form',
      { id: 'act-form' },
      h('p', {}, h('label', { for: 'act-transition' }, t('wf_act')), ' ', select),
      h('p', {}, h('label', { for: 'act-reason' }, t('wf_reason')), ' ', reason),
      ...key.row,
      h('button', { id: 'act-go', type: 'submit' }, t('wf_sign_act')),
    );
    actForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      out.replaceChildren(h('p', {}, t('wf_signing')));
      try {
        await submitCall(await key.open(), 'workflow', 'act', actArgs(id, select.value, reason.value.trim()));
        router.navigate(`/applications/${id}`);
      } catch (e) {
        out.replaceChildren(h('p', { class: 'verdict invalid', role: 'alert' }, `${t('wf_failed')}: ${e.message}`));
      }
    });
  }
  return [
    h('h1', {}, `${i.org}/${i.process}`),
    fields([
      [t('wf_state'), h('span', { id: 'wf-state', 'data-state': i.state }, `${v.state_label} (${i.state})`)],
      [t('wf_outcome'), i.outcome || '—'],
      [t('wf_version'), String(i.version)],
      [t('wf_due'), i.due_ms ? fmtTime(i.due_ms) : '—'],
    ]),
    await verifySteps(v),
    table(t('wf_timeline'), [t('wf_step'), t('wf_kind'), t('wf_what'), t('wf_from'), t('wf_to'), t('wf_note'), '', t('block'), t('time')], rows),
    jobs.length ? table(t('wf_jobs'), ['id', t('wf_kind'), t('ds_status'), '#', t('wf_note'), ''], jobs) : null,
    actForm ? h('section', {}, h('h2', {}, t('wf_act')), actForm, out) : null,
  ];
}

/** `/tasks`: an officer's (or applicant's) task list, after loading their key file. */
export async function tasks() {
  const out = h('div', { id: 'tasks-result', 'aria-live': 'polite' });
  const key = keyInputs('tasks');
  const button = h('button', { id: 'tasks-go', type: 'button' }, t('wf_tasks_go'));
  button.addEventListener('click', async () => {
    try {
      const k = await key.open();
      const status = await api('/status');
      const address = addressOf(status.suite === 'sm2-sm3' ? 1 : 0, k.alg, k.pub);
      const list = await api(`/v1/workflow/tasks?account=${address}`);
      if (list.length === 0) return out.replaceChildren(h('p', { class: 'muted' }, t('wf_no_tasks')));
      const rows = list.map((x) => [link(`/applications/${x.instance.id}`, x.instance.process), x.state_label, x.transitions.map((o) => o.label).join(' · '), fmtTime(x.instance.created_ms), x.due_ms ? fmtTime(x.due_ms) : '—']);
      out.replaceChildren(table(t('nav_tasks'), [t('wf_process'), t('wf_state'), t('wf_act'), t('time'), t('wf_due')], rows));
    } catch (e) {
      out.replaceChildren(h('p', { class: 'verdict invalid', role: 'alert' }, `${t('wf_failed')}: ${e.message}`));
    }
  });
  return [h('h1', {}, t('nav_tasks')), h('p', {}, t('wf_tasks_intro')), ...key.row, button, out];
}
