// DOM helpers. Text always goes in as text nodes (never innerHTML): server data cannot
// become markup.
import { t } from './i18n.js';

export function h (tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false)
      continue;
    if (k.startsWith('on') && typeof v === 'function')
      el.addEventListener(k.slice(2), v);
    else if (k === 'class')
      el.className = v;
    else if (k === 'dataset')
      Object.assign(el.dataset, v);
    else if (v === true)
      el.setAttribute(k, '');
    else
      el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append (el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false)
      continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Replaces a container's content, keeping keyboard focus on the element with the same
// data-focus-key if there was one (the live refresh must not pull focus away).
export function replaceKeepingFocus (container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : undefined;
  container.replaceChildren();
  append(container, children);
  if (key) {
    const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again)
      again.focus();
  }
}

// Live refresh re-renders only when what would be shown changed: no flicker, no lost hover
// or focus every few seconds.
const shown = new WeakMap();
export function renderIfChanged (container, signature, build) {
  const key = JSON.stringify(signature);
  if (shown.get(container) === key)
    return false;
  shown.set(container, key);
  replaceKeepingFocus(container, build());
  return true;
}

let toastTimer = 0;
export function toast (text, kind = 'info') {
  const el = document.getElementById('toast');
  el.className = `toast show ${kind}`;
  el.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = 'toast'; }, 6000);
}

// A modal confirmation (native <dialog>: focus trapped, Escape cancels). Resolves to the
// value of the extra form control if one is given, true for a plain confirmation, or null.
export function confirmDialog ({ title, text, ok, danger = false, extra = null }) {
  const dlg = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-extra').replaceChildren(...(extra ? [extra] : []));
  const okButton = document.getElementById('confirm-ok');
  okButton.textContent = ok;
  okButton.className = danger ? 'danger' : 'primary';
  document.getElementById('confirm-cancel').textContent = t('cancel');
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => {
      const value = dlg.returnValue === 'ok'
        ? (extra ? extra.querySelector('select, input').value : true) : null;
      if (opener && opener.isConnected)
        opener.focus();
      resolve(value);
    }, { once: true });
    dlg.returnValue = 'cancel';
    dlg.showModal();
    (extra ? extra.querySelector('select, input') : document.getElementById('confirm-cancel')).focus();
  });
}

export function table ({ caption, columns, rows, empty, className = '' }) {
  if (rows.length === 0)
    return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', { class: className },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.title)))),
      h('tbody', {}, rows)));
}
