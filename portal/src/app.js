// The GovChain public portal: a small single-page application over the node's public API.
// Routing uses real paths (History API) so every page has a shareable address; the node
// answers each page path with index.html.

import { h, link } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import * as explorer from './explorer.js';
import * as records from './records.js';
import { verifyPage } from './verify-page.js';
import * as governance from './governance.js';
import * as datashare from './datashare.js';
import * as workflow from './workflow.js';
import * as contracts from './contracts.js';
import * as participation from './participation.js';
import { ApiFailure, live, router } from './api.js';
import pages from './pages.json';

// The page list is shared with the node (crates/portal serves index.html at exactly these
// paths): one source, `pages.json`. Each entry names its handler here.
const handlers = {
  home: explorer.home,
  blocks: explorer.blocks,
  block: explorer.block,
  tx: explorer.tx,
  orgs: explorer.orgs,
  org: explorer.org,
  account: explorer.account,
  records: records.list,
  record: records.record,
  certificate: records.certificate,
  search: records.search,
  verify: verifyPage,
  governance: governance.governance,
  'certificate-types': governance.certTypes,
  data: datashare.catalog,
  'data-request': datashare.request,
  'who-used': datashare.whoUsed,
  services: workflow.catalog,
  service: workflow.process,
  application: workflow.instance,
  tasks: workflow.tasks,
  contract: contracts.contract,
  votes: participation.votes,
  vote: participation.vote,
  consultations: participation.consultations,
  consultation: participation.consultation,
  tenders: participation.tenders,
  tender: participation.tender,
};

/** `[regex, handler, title key]` for each page of `pages.json`. */
const routes = pages.map((p) => {
  const handler = handlers[p.page];
  if (!handler) throw new Error(`pages.json names page ${p.page}, which the application does not have`);
  const source = p.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, n) => `(${p.params[n]})`);
  return [new RegExp(`^${source}$`), handler, p.title];
});

let renderSeq = 0;
let firstRender = true;

/** Navigates to an internal path. */
function navigate(href) {
  history.pushState(null, '', href);
  render();
}
router.navigate = navigate;
router.refresh = render;

let rendered = null;

async function render() {
  rendered = location.pathname + location.search;
  const seq = ++renderSeq;
  live.onBlock = null;
  const main = document.getElementById('main');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const route = routes.find(([re]) => re.test(path));
  markNav(path);
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  let nodes;
  let title = t('not_found');
  try {
    if (!route) throw new ApiFailure(404, 'not_found', path);
    const [re, page, titleKey] = route;
    const args = path.match(re).slice(1).map(decodeURIComponent);
    nodes = await page(args, new URLSearchParams(location.search));
    title = t(titleKey);
  } catch (e) {
    nodes = [errorBox(e)];
  }
  if (seq !== renderSeq) return;
  main.replaceChildren(...[nodes].flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  main.removeAttribute('aria-busy');
  document.title = `${title} · ${t('site')}`;
  if (!firstRender) main.focus({ preventScroll: false });
  firstRender = false;
}

/** A page-level error message. */
function errorBox(e) {
  const notFound = e instanceof ApiFailure && e.status === 404;
  return h(
    'div',
    { class: 'notice bad', role: 'alert' },
    h('h1', {}, notFound ? t('not_found') : t('error')),
    h('p', {}, e.message || String(e)),
  );
}

function markNav(path) {
  for (const a of document.querySelectorAll('nav a')) {
    const href = a.getAttribute('href');
    const here = href === '/' ? path === '/' : path.startsWith(href);
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function shell() {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  const nav = [
    ['/', 'nav_home'],
    ['/search', 'nav_search'],
    ['/verify', 'nav_verify'],
    ['/records', 'nav_records'],
    ['/blocks', 'nav_blocks'],
    ['/orgs', 'nav_orgs'],
    ['/governance', 'nav_governance'],
    ['/data', 'nav_data'],
    ['/who-used', 'nav_who_used'],
    ['/services', 'nav_services'],
    ['/tasks', 'nav_tasks'],
    ['/votes', 'nav_votes'],
    ['/consultations', 'nav_consultations'],
    ['/tenders', 'nav_tenders'],
  ];
  const other = lang() === 'zh' ? 'en' : 'zh';
  document.body.replaceChildren(
    h('a', { class: 'skip', href: '#main' }, t('skip')),
    h(
      'header',
      { class: 'top' },
      h(
        'div',
        { class: 'bar' },
        h('a', { class: 'brand', href: '/', 'data-link': '' }, h('span', { class: 'name' }, t('site')), h('span', { class: 'sub' }, t('site_sub'))),
        h(
          'div',
          { class: 'tools' },
          h(
            'span',
            { id: 'live', class: 'live', 'aria-live': 'off' },
            h('span', { class: 'dot', 'aria-hidden': 'true' }),
            h('span', { id: 'live-text' }, live.height === null ? t('live') : `${t('height')} ${live.height}`),
          ),
          h(
            'button',
            { id: 'lang', type: 'button', lang: other === 'zh' ? 'zh-CN' : 'en', 'aria-label': t('switch_label'), onclick: switchLang },
            t('switch_to'),
          ),
        ),
      ),
      h('nav', { 'aria-label': t('site') }, h('ul', {}, nav.map(([href, key]) => h('li', {}, link(href, t(key)))))),
    ),
    h('main', { id: 'main', tabindex: '-1' }),
    h(
      'footer',
      {},
      h('p', {}, t('footer'), ' ', h('a', { href: '/openapi.json' }, t('api')), ' · ', h('a', { href: '/metrics' }, 'Prometheus')),
    ),
  );
}

function switchLang() {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  shell();
  render().then(() => document.getElementById('lang')?.focus());
}

function connectEvents() {
  const es = new EventSource('/v1/events?txs=true');
  es.addEventListener('block', (ev) => {
    const b = JSON.parse(ev.data);
    live.height = b.height;
    const text = document.getElementById('live-text');
    if (text) text.textContent = `${t('height')} ${b.height}`;
    document.getElementById('live')?.classList.remove('down');
    if (live.onBlock) live.onBlock(b);
  });
  es.addEventListener('error', () => {
    document.getElementById('live')?.classList.add('down');
    const text = document.getElementById('live-text');
    if (text) text.textContent = t('offline');
  });
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-link]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => {
  // A change of the #fragment alone (the skip link) is not a new page.
  if (location.pathname + location.search !== rendered) render();
});

shell();
render();
connectEvents();
