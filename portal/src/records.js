// Public records (list, one record with its versions), record search, certificate records.

import { h, link, mono, fields, highlighted } from './dom.js';
import { t, fmtTime, fmtDate } from './i18n.js';
import { api, router } from './api.js';

const PAGE = 20;

function recordItem(r) {
  return h(
    'li',
    {},
    h('h3', {}, link(`/records/${r.id}`, r.title)),
    h('p', { class: 'meta' }, meta(r.org, r.category, r.published_ms, r.version, r.status === 'withdrawn')),
  );
}

function meta(org, category, publishedMs, version, withdrawn) {
  return [
    link(`/orgs/${org}`, org),
    ` · ${category} · ${t('published_on')} ${fmtDate(publishedMs)}`,
    version > 1 ? ` · ${t('version')} ${version}` : '',
    withdrawn ? h('span', { class: 'badge bad' }, t('withdrawn')) : null,
  ];
}

/** Public records, newest first, with cursor paging. */
export async function list(_, params) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (params.get('cursor')) q.set('cursor', params.get('cursor'));
  const page = await api(`/v1/records?${q}`);
  return [
    h('h1', {}, t('records')),
    h('ol', { class: 'results' }, page.items.map(recordItem)),
    page.next_cursor ? h('p', {}, link(`/records?cursor=${encodeURIComponent(page.next_cursor)}`, t('older'))) : null,
  ];
}

/** One record: its latest content and every version, each verifiable. */
export async function record([id], params) {
  const before = params && params.get('before');
  const r = await api(`/v1/records/${encodeURIComponent(id)}${before ? `?before=${encodeURIComponent(before)}` : ''}`);
  const x = r.latest;
  return [
    h('h1', {}, x.title, x.status === 'withdrawn' ? h('span', { class: 'badge bad' }, t('withdrawn')) : null),
    h('p', { class: 'meta' }, meta(x.org, x.category, x.published_ms, x.version, false)),
    h('p', {}, link(`/verify?record=${encodeURIComponent(x.id)}`, h('strong', {}, t('verify_this')))),
    x.status === 'withdrawn' ? h('p', { class: 'notice bad' }, `${t('reason')}: ${x.reason}`) : null,
    h('div', { class: 'body' }, x.body),
    fields([
      ['ID', mono(x.id)],
      [t('tags'), x.tags.length ? x.tags.join(', ') : null],
      [
        t('attachments'),
        x.attachments.length
          ? h('ul', { class: 'plain' }, x.attachments.map((a) => h('li', {}, a.name, ` (${a.size} B) `, h('span', { class: 'muted' }, 'SHA-256 '), mono(a.hash))))
          : null,
      ],
    ]),
    h('h2', {}, t('versions')),
    h(
      'ol',
      { class: 'versions', reversed: true },
      [...r.versions].reverse().map((v) =>
        h(
          'li',
          // The item number is the version (an explicit value: <summary> elements would
          // otherwise count as list items in a reversed list).
          { value: String(v.version) },
          h('h3', {}, `${t('version')} ${v.version}`, v.status === 'withdrawn' ? h('span', { class: 'badge bad' }, t('withdrawn')) : null),
          fields([
            [t('time'), fmtTime(v.time_ms)],
            [t('reason'), v.reason || null],
            [t('author'), link(`/accounts/${v.author}`, mono(v.author, true))],
            [t('in_block'), link(`/blocks/${v.height}`, String(v.height))],
            [t('tx'), link(`/txs/${v.tx_hash}`, mono(v.tx_hash, true))],
          ]),
          h('details', {}, h('summary', {}, t('show_content')), h('h4', {}, v.title), h('div', { class: 'body' }, v.body)),
          h('p', {}, link(`/verify?record=${encodeURIComponent(v.id)}&version=${v.version}`, t('verify_version'))),
        ),
      ),
    ),
    r.older ? h('p', {}, link(`/records/${encodeURIComponent(x.id)}?before=${r.older}`, t('older'))) : null,
  ];
}

/** A certificate record (no personal data: the holder is a pseudonymous digest). */
export async function certificate([id]) {
  const c = await api(`/v1/certificates/${encodeURIComponent(id)}`);
  return [
    h('h1', {}, t('certificate')),
    h('p', {}, link(`/verify?cert=${encodeURIComponent(c.id)}`, h('strong', {}, t('verify_this')))),
    fields([
      ['ID', mono(c.id)],
      [t('type'), `${c.type_id} v${c.type_version}`],
      [t('issuer_org'), link(`/orgs/${c.issuer_org}`, c.issuer_org)],
      [t('issuer'), link(`/accounts/${c.issuer}`, mono(c.issuer))],
      [t('status'), [t(`st_${c.status}`), c.status_reason ? ` — ${c.status_reason}` : '', c.status_height ? ` (${t('block')} ${c.status_height})` : '']],
      [t('valid_from'), fmtTime(c.valid_from_ms)],
      [t('valid_until'), fmtTime(c.valid_until_ms)],
      [t('issued_height'), link(`/blocks/${c.issued_height}`, String(c.issued_height))],
      [t('previous'), c.previous ? link(`/certificates/${c.previous}`, mono(c.previous, true)) : null],
      [t('successor'), c.successor ? link(`/certificates/${c.successor}`, mono(c.successor, true)) : null],
    ]),
    h('p', { class: 'muted' }, t('holder_note')),
  ];
}

const dayMs = (s) => {
  const ms = Date.parse(`${s}T00:00:00`);
  return Number.isFinite(ms) ? ms : null;
};

/** Full-text search of public records with organisation, category and date filters. */
export async function search(_, params) {
  const orgs = await api('/v1/organisations');
  const p = (k) => params.get(k) || '';
  const input = (name, label, attrs = {}) =>
    h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), h('input', { id: `f-${name}`, name, value: p(name), ...attrs }));
  const form = h(
    'form',
    { role: 'search', class: 'search', action: '/search', onsubmit: submit },
    input('q', t('search_q'), { type: 'search', maxlength: '200', autocomplete: 'off' }),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-org' }, t('search_org')),
      h('select', { id: 'f-org', name: 'org' }, h('option', { value: '' }, t('search_all')), orgs.map((o) => h('option', { value: o.id, selected: o.id === p('org') }, o.name))),
    ),
    input('category', t('search_category'), { type: 'text', maxlength: '64' }),
    input('from', t('search_from'), { type: 'date' }),
    input('to', t('search_to'), { type: 'date' }),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('search_go'))),
  );
  const out = [h('h1', {}, t('search_title')), form];
  if (![...params.keys()].length) return out;

  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  for (const k of ['q', 'org', 'category']) if (p(k)) q.set(k, p(k));
  if (dayMs(p('from')) !== null) q.set('from_ms', String(dayMs(p('from'))));
  if (dayMs(p('to')) !== null) q.set('to_ms', String(dayMs(p('to')) + 86_400_000));
  const res = await api(`/v1/search/records?${q}`);
  const pageLink = (o, label) => {
    const next = new URLSearchParams(params);
    next.set('offset', String(o));
    return link(`/search?${next}`, label);
  };
  out.push(
    h(
      'section',
      { 'aria-labelledby': 'results-title' },
      h('h2', { id: 'results-title', 'aria-live': 'polite' }, t('search_total', res.total, res.indexed_height)),
      res.hits.length === 0 ? h('p', {}, t('search_none')) : null,
      h(
        'ol',
        { class: 'results', start: String(offset + 1) },
        res.hits.map((x) =>
          h(
            'li',
            { class: 'hit' },
            h('h3', {}, link(`/records/${x.id}`, highlighted(x.title))),
            h('p', { class: 'meta' }, meta(x.org, x.category, x.published_ms, x.version, x.withdrawn)),
            x.snippet.text ? h('p', { class: 'snippet' }, highlighted(x.snippet)) : null,
            x.tags.length ? h('p', { class: 'tags' }, x.tags.map((tag) => h('span', { class: 'tag' }, tag))) : null,
          ),
        ),
      ),
      h(
        'p',
        { class: 'pager' },
        offset > 0 ? pageLink(Math.max(0, offset - PAGE), `← ${t('newer')}`) : null,
        ' ',
        offset + PAGE < res.total ? pageLink(offset + PAGE, `${t('more')} →`) : null,
      ),
    ),
  );
  return out;
}

function submit(ev) {
  ev.preventDefault();
  const data = new FormData(ev.target);
  const q = new URLSearchParams();
  for (const [k, v] of data) if (String(v).trim()) q.set(k, String(v).trim());
  router.navigate(`/search?${q}`);
}
