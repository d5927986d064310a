// ui.js: small DOM helpers shared by both pages: building elements,
// switching screens, the toast line, the confirmation dialog and the
// connection banner.
//
// Every screen is a <section id="screen-NAME" data-screen-id="NAME">; the
// visible one is named on <body data-screen="NAME"> so tests can wait for it.
//
//   showScreen('waiting');
//   if (await confirmDialog(t('conf.kickConfirm', { name }), t('conf.kickOk'))) ...
//   el('button', { class: 'btn', 'aria-label': t('conf.send'), onclick: send }, icon('send'))

import { t } from './i18n.js';

// Creates an element: attributes (on* keys become listeners, `dataset`
// an object of data-*), then children (strings become text nodes).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function currentScreen() {
  return document.body.dataset.screen || '';
}

// Shows screen `name` and hides the others; focus moves to its heading so
// screen readers announce the change.
export function showScreen(name) {
  if (currentScreen() === name) return;
  for (const section of document.querySelectorAll('[data-screen-id]')) {
    section.hidden = section.dataset.screenId !== name;
  }
  document.body.dataset.screen = name;
  const screen = document.getElementById(`screen-${name}`);
  const heading = screen && screen.querySelector('h1, h2');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

let toastTimer = 0;

// A short message in the polite live region #toast.
export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  if (!box) return;
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
}

// The connection banner (#net-banner): a message while reconnecting, or
// hidden (message null).
export function netBanner(message) {
  const banner = document.getElementById('net-banner');
  if (!banner) return;
  banner.hidden = !message;
  if (message) banner.textContent = message;
}

// Asks with the modal #confirm-dialog; resolves true for the OK button.
export function confirmDialog(message, okLabel = t('common.ok')) {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-text').textContent = message;
  document.getElementById('confirm-ok').textContent = okLabel;
  document.getElementById('confirm-cancel').textContent = t('common.cancel');
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

// Copies text to the clipboard; falls back to a hidden textarea where the
// Clipboard API is missing (plain http on a non-local host).
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = el('textarea', { class: 'offscreen', readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}
