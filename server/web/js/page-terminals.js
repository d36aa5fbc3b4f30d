// Terminals: a tree of regions (SAR / province / city / district / town) with terminal
// counts, and the list of the chosen region's terminals with status, version, site and last
// heartbeat. System administrators also get approve / lock / unlock / command, each behind a
// confirmation; other roles see no such buttons (the API would refuse them anyway).
import { t, getLang, regionName, formatTime, formatNumber } from './i18n.js';
import { ApiError, get, post } from './api.js';
import { h, renderIfChanged, toast, confirmDialog, table } from './dom.js';
import * as live from './live.js';

const LEVELS = ['sar', 'province', 'city', 'district', 'town'];
const DEPTH = { sar: 0, province: 0, city: 1, district: 2, town: 3 };
const PREFIX = { sar: 2, province: 2, city: 4, district: 6, town: 9 };
const STATUSES = ['pending', 'active', 'locked', 'disabled'];
const COMMANDS = ['self-test', 'reboot', 'sync-time'];

const children = new Map();   // parent code ('' = top) → regions; static, kept for the session
const expanded = new Set();
let selected = null;          // region code, null = everything in scope
let statusFilter = '';
let counts = new Map();       // code → { level, terminals, online, locked, name_zh, name_en }
let role = '';
let view = null;
let opened = false;         // the top level starts expanded, once
let owner = null;           // whose choices the above are: a new sign-in starts afresh
// The counts are five calls (one per level) and move slowly: they are fetched once a minute
// and after our own actions; the list is fetched on every refresh. (Every console read is
// audited, so this keeps an open page at 17 entries a minute instead of 72.)
const COUNTS_MS = 60000;
let countsAt = 0;

async function regionsUnder (code) {
  const key = code || '';
  if (!children.has(key))
    children.set(key, await get('/api/v1/regions', code ? { parent: code } : {}));
  return children.get(key);
}

async function loadCounts () {
  const next = new Map();
  const levels = await Promise.all(LEVELS.map((level) => get('/api/v1/terminals/stats', { level })));
  levels.forEach((rows, i) => {
    for (const r of rows)
      next.set(r.code, { ...r, level: LEVELS[i] });
  });
  return next;
}

function hasChildren (code) {
  const me = counts.get(code);
  const prefix = code.slice(0, PREFIX[me.level]);
  for (const [other, c] of counts)
    if (other !== code && DEPTH[c.level] > DEPTH[me.level] && other.startsWith(prefix))
      return true;
  return false;
}

async function shownChildren (code) {
  return (await regionsUnder(code)).filter((r) => counts.has(r.code));
}

function nodeLabel (c) {
  const name = regionName(c);
  return [
    h('span', { class: 'node-name' }, name),
    h('span', { class: 'node-count', 'aria-hidden': 'true' }, t('terminals.count', { n: formatNumber(c.terminals) })),
    h('span', { class: 'visually-hidden' }, t('terminals.tree.detail', { name, n: c.terminals, online: c.online, locked: c.locked }))
  ];
}

async function treeItem (region) {
  const c = counts.get(region.code);
  const open = expanded.has(region.code);
  const kids = hasChildren(region.code);
  const name = regionName(c);
  const item = h('li', { dataset: { code: region.code, level: c.level } },
    h('div', { class: 'node' },
      kids
        ? h('button', {
          type: 'button', class: 'expander', 'aria-expanded': open ? 'true' : 'false',
          'aria-label': t(open ? 'terminals.collapse' : 'terminals.expand', { name }),
          dataset: { focusKey: `x-${region.code}` },
          onclick: () => { open ? expanded.delete(region.code) : expanded.add(region.code); live.nudge('terminals'); }
        }, open ? '▾' : '▸')
        : h('span', { class: 'expander-space' }),
      h('button', {
        type: 'button', class: 'node-select', 'aria-current': selected === region.code ? 'true' : false,
        dataset: { focusKey: `s-${region.code}` },
        onclick: () => { selected = region.code; live.nudge('terminals'); }
      }, nodeLabel(c))));
  if (open && kids) {
    const list = h('ul', { role: 'group' });
    for (const child of await shownChildren(region.code))
      list.append(await treeItem(child));
    item.append(list);
  }
  return item;
}

async function renderTree () {
  const tops = await shownChildren(null);
  if (!opened && tops.length > 0) {
    tops.forEach((r) => expanded.add(r.code));
    opened = true;
  }
  const total = { terminals: 0, online: 0, locked: 0 };
  for (const r of tops)
    for (const k of Object.keys(total))
      total[k] += counts.get(r.code)[k];
  const all = h('li', {},
    h('div', { class: 'node' }, h('span', { class: 'expander-space' }),
      h('button', {
        type: 'button', class: 'node-select', 'aria-current': selected === null ? 'true' : false,
        dataset: { focusKey: 's-all', code: '' },
        onclick: () => { selected = null; live.nudge('terminals'); }
      }, h('span', { class: 'node-name' }, t('terminals.all')),
      h('span', { class: 'node-count', 'aria-hidden': 'true' }, t('terminals.count', { n: formatNumber(total.terminals) })),
      h('span', { class: 'visually-hidden' }, t('terminals.tree.detail', { name: t('terminals.all'), n: total.terminals, online: total.online, locked: total.locked })))));
  const list = h('ul', { class: 'tree', id: 'region-tree' }, all);
  for (const r of tops)
    list.append(await treeItem(r));
  return list;
}

async function act (action, number) {
  const ok = await confirmDialog({
    title: t(`confirm.${action}.title`, { number }),
    text: t(`confirm.${action}.text`),
    ok: t(`action.${action}`),
    danger: action === 'lock'
  });
  if (!ok)
    return;
  try {
    countsAt = 0;
    await post(`/api/v1/terminals/${encodeURIComponent(number)}/${action}`);
    toast(t(`done.${action}`, { number }), 'ok');
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    toast(err.text, 'error');
  }
  live.nudge('terminals');
}

async function command (number) {
  const select = h('select', { id: 'command-kind' }, COMMANDS.map((c) => h('option', { value: c }, t(`command.${c}`))));
  const kind = await confirmDialog({
    title: t('confirm.command.title', { number }),
    text: t('confirm.command.text'),
    ok: t('confirm.command.ok'),
    extra: h('div', { class: 'field' }, h('label', { for: 'command-kind' }, t('confirm.command.label')), select)
  });
  if (!kind)
    return;
  try {
    await post(`/api/v1/terminals/${encodeURIComponent(number)}/commands`, { kind });
    toast(t('done.command', { number, command: t(`command.${kind}`) }), 'ok');
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    toast(err.text, 'error');
  }
}

function actionButtons (term) {
  const b = (action, onclick, cls = 'secondary') => h('button', {
    type: 'button', class: `small ${cls}`, dataset: { action, focusKey: `${action}-${term.number}` }, onclick
  }, t(`action.${action}`), h('span', { class: 'visually-hidden' }, ` ${term.number}`));
  const out = [];
  if (term.status === 'pending')
    out.push(b('approve', () => act('approve', term.number), 'primary'));
  if (term.status === 'active')
    out.push(b('lock', () => act('lock', term.number), 'danger-outline'));
  if (term.status === 'locked')
    out.push(b('unlock', () => act('unlock', term.number), 'primary'));
  if (term.status === 'active' || term.status === 'locked')
    out.push(b('command', () => command(term.number)));
  return out;
}

function terminalTable (list) {
  const admin = role === 'sysadmin';
  const columns = [
    { title: t('col.number') }, { title: t('col.status') }, { title: t('col.online') },
    { title: t('col.version') }, { title: t('col.site') }, { title: t('col.region') },
    { title: t('col.heartbeat') }
  ];
  if (admin)
    columns.push({ title: t('col.actions'), class: 'actions' });
  const rows = list.map((term) => h('tr', { dataset: { number: term.number, status: term.status } },
    h('th', { scope: 'row', class: 'mono' }, term.number),
    h('td', {}, h('span', { class: `badge status-${term.status}` }, t(`status.${term.status}`))),
    h('td', {}, h('span', { class: `dot ${term.online ? 'on' : 'off'}`, 'aria-hidden': 'true' }), t(term.online ? 'online.yes' : 'online.no')),
    h('td', { class: 'mono' }, term.sw_version || t('none')),
    h('td', { class: 'wrap' }, term.site || t('none')),
    h('td', { class: 'wrap', title: term.region_code }, counts.has(term.region_code) ? regionName(counts.get(term.region_code)) : term.region_code),
    h('td', { class: 'when' }, h('time', { datetime: term.last_seen ? new Date(term.last_seen * 1000).toISOString() : false }, formatTime(term.last_seen))),
    admin ? h('td', { class: 'actions' }, actionButtons(term)) : null));
  return table({ caption: t('terminals.title'), columns, rows, empty: t('terminals.empty'), className: 'terminals' });
}

async function refresh () {
  try {
    if (Date.now() - countsAt >= COUNTS_MS) {
      counts = await loadCounts();
      countsAt = Date.now();
    }
    if (selected && !counts.has(selected))
      selected = null;
    const list = await get('/api/v1/terminals', { region: selected, status: statusFilter });
    const treeSig = [getLang(), [...counts], selected, [...expanded]];
    const tree = view && JSON.stringify(treeSig) !== view.treeSig ? await renderTree() : null;
    if (!view)
      return;
    const regionLabel = selected ? regionName(counts.get(selected)) : t('terminals.all');
    const online = list.filter((x) => x.online).length;
    if (tree) {
      view.treeSig = JSON.stringify(treeSig);
      renderIfChanged(view.tree, treeSig, () => tree);
    }
    view.heading.textContent = t('terminals.list', { region: regionLabel });
    view.summary.textContent = t('terminals.total', { n: list.length, online });
    renderIfChanged(view.list, [getLang(), role, list], () => terminalTable(list));
    view.updated.textContent = t('updated', { time: formatTime(Date.now() / 1000) });
    view.updated.classList.remove('stale');
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    if (!view)
      return;   // the page was left (signed out, session ended) meanwhile
    view.updated.textContent = t('refresh.failed', { reason: err.text });
    view.updated.classList.add('stale');
  }
}

export function enter (main, s) {
  if (owner !== s.token) {
    owner = s.token;
    expanded.clear();
    selected = null;
    statusFilter = '';
    opened = false;
  }
  role = s.role;
  countsAt = 0;
  const statusSelect = h('select', { id: 'status-filter' },
    h('option', { value: '' }, t('terminals.filter.any')),
    STATUSES.map((st) => h('option', { value: st, selected: st === statusFilter }, t(`status.${st}`))));
  statusSelect.addEventListener('change', () => { statusFilter = statusSelect.value; live.nudge('terminals'); });
  view = {
    tree: h('div', { class: 'tree-body' }, h('p', { class: 'muted' }, t('loading'))),
    list: h('div', { class: 'list-body' }),
    heading: h('h2', { id: 'list-title' }, t('terminals.all')),
    summary: h('p', { class: 'muted', id: 'list-summary' }),
    updated: h('p', { class: 'updated', role: 'status' })
  };
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('terminals.title')), view.updated),
    h('div', { class: 'split' },
      h('nav', { class: 'tree-pane', 'aria-labelledby': 'tree-title' },
        h('h2', { id: 'tree-title' }, t('terminals.tree')), view.tree),
      h('section', { class: 'list-pane', 'aria-labelledby': 'list-title' },
        h('div', { class: 'list-head' },
          h('div', {}, view.heading, view.summary),
          h('div', { class: 'field inline' }, h('label', { for: 'status-filter' }, t('terminals.filter.status')), statusSelect)),
        view.list)));
  live.watch(['terminals'], refresh);
}

export function leave () {
  view = null;
}
