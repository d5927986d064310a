// pages.js: the message pages a call can end on (kicked, link not valid,
// no guest seat, ...): one <section id="screen-NAME" data-screen-id="NAME">
// each, with a title, a line of text and an optional button.
//
//   addMessagePages(document.body, { 'no-licence': { action: 'common.tryAgain', onAction: retry } });
//   showScreen('no-licence');

import { t } from './i18n.js';
import { icon } from './icons.js';
import { el } from './ui.js';

export const MESSAGE_PAGES = {
  kicked: { title: 'page.kicked.title', text: 'page.kicked.text', icon: 'close' },
  'not-public': { title: 'page.notPublic.title', text: 'page.notPublic.text', icon: 'people' },
  'bad-url': { title: 'page.badUrl.title', text: 'page.badUrl.text', icon: 'close' },
  'no-licence': { title: 'page.noLicence.title', text: 'page.noLicence.text', icon: 'people' },
  'guest-limit': { title: 'page.guestLimit.title', text: 'page.guestLimit.text', icon: 'people' },
  banned: { title: 'page.banned.title', text: 'page.banned.text', icon: 'close' },
  error: { title: 'page.error.title', text: 'page.error.text', icon: 'refresh' },
  left: { title: 'page.left.title', text: 'page.left.text', icon: 'handset' },
  ended: { title: 'page.ended.title', text: 'page.ended.text', icon: 'handset' },
};

// Appends the pages `names` (default: all) to `parent`; `actions` gives
// some of them a button: name -> { action: i18n key, onAction }.
export function addMessagePages(parent, actions = {}, names = Object.keys(MESSAGE_PAGES)) {
  for (const name of names) {
    const page = MESSAGE_PAGES[name];
    const extra = actions[name];
    const button = extra
      ? el('button', { id: `${name}-action`, type: 'button', class: 'btn primary', onclick: extra.onAction },
        t(extra.action))
      : null;
    const attributes = { id: `screen-${name}`, 'data-screen-id': name, class: 'page message-page', hidden: true };
    parent.append(el('section', attributes,
      el('div', { class: 'card center' },
        el('div', { class: `page-mark mark-${name}`, 'aria-hidden': 'true' }, icon(page.icon)),
        el('h1', {}, t(page.title)),
        el('p', { class: 'lead' }, t(page.text)),
        button)));
  }
}
