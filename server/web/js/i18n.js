// One string table per language; every visible word comes from t(). Simplified Chinese by
// default, English on request; the choice is kept in localStorage (not personal data).
import zhCN from './strings-zh-CN.js';
import en from './strings-en.js';

export const tables = { 'zh-CN': zhCN, en };
const STORE = 'tongban.console.lang';
const listeners = new Set();
let lang = tables[localStorage.getItem(STORE)] ? localStorage.getItem(STORE) : 'zh-CN';

export function getLang () {
  return lang;
}

export function t (key, params = {}) {
  let s = tables[lang][key];
  if (s === undefined) {
    console.error(`missing string ${key} (${lang})`);
    s = key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// Elements written in index.html: data-i18n="key" for text, data-i18n-aria for aria-label.
export function translateStatic (root = document) {
  for (const el of root.querySelectorAll('[data-i18n]'))
    el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAria));
}

export function setLang (next) {
  if (!tables[next] || next === lang)
    return;
  lang = next;
  localStorage.setItem(STORE, next);
  document.documentElement.lang = next;
  translateStatic();
  for (const fn of listeners)
    fn(next);
}

export function onLangChange (fn) {
  listeners.add(fn);
}

export function otherLang () {
  return lang === 'zh-CN' ? 'en' : 'zh-CN';
}

// Region names come in both languages from the server.
export function regionName (r) {
  return r ? (lang === 'zh-CN' ? r.name_zh : r.name_en) || r.code : '';
}

// One unambiguous form in both languages (an en-US "11/27/26" reads wrongly in Hong Kong).
export function formatTime (unixSeconds) {
  if (!unixSeconds)
    return t('never');
  const d = new Date(unixSeconds * 1000);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatNumber (n) {
  return new Intl.NumberFormat(lang).format(n);
}

export function formatDuration (ms) {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x) => String(x).padStart(2, '0');
  return `${h}:${pad(m)}:${pad(s % 60)}`;
}

document.documentElement.lang = lang;
