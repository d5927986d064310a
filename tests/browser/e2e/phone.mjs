// phone.mjs: the web client's side of SIP dial-in, against a konfero server
// in whose demo room a phone guest (sipp, started by the Python test
// tests/python/test_e2e_phone.py) already waits:
//  - the guest page shows the "join by phone" box (dial-in number and PIN)
//    on the name screen, in English and German;
//  - the moderator's room list says guests are waiting (the phone guest
//    alone counts);
//  - in the conference the moderator's participant list shows the phone
//    guest by its masked caller id with the "Phone guest" role, next to a
//    browser guest; the moderator mutes it, then kicks it.
// Prints `RESULT <json>` with what the DOM showed; the Python test asserts.
//
// Usage: node phone.mjs BASE_URL ADMIN_PASSWORD GUEST_URL SHOTS_DIR PHONE_NAME
import {
  joinAsGuest, joinFirstRoom, kickFromList, loginModerator, participant, run, screenshots, until,
  waitScreen,
} from './lib.mjs';

const [base, password, guestUrl, shotsDir, phoneName] = process.argv.slice(2);
const shot = screenshots(shotsDir);

// What the guest page's name screen shows in its phone box, in `locale`.
async function guestPhoneBox(browser, locale, shotName) {
  const g = await participant(browser, `Guest ${locale}`, { locale });
  await g.page.goto(guestUrl);
  await waitScreen(g, 'name');
  await g.page.waitForSelector('#name-phone:not([hidden])', { timeout: 10000 });
  const box = await g.page.$eval('#name-phone', e => ({
    title: e.querySelector('h2').textContent.trim(),
    text: e.querySelector('.phone-text').textContent.replace(/\s+/g, ' ').trim(),
    number: document.getElementById('name-phone-number').textContent,
    href: document.getElementById('name-phone-number').getAttribute('href'),
    pin: document.getElementById('name-phone-pin').textContent,
    visible: e.getBoundingClientRect().height > 0,
  }));
  // The waiting screen carries the same box for after the join.
  box.waitingText = await g.page.$eval('#waiting-phone .phone-text',
                                       e => e.textContent.replace(/\s+/g, ' ').trim());
  await shot(g, shotName);
  await g.context.close();
  return box;
}

run(async browser => {
  const guestEn = await guestPhoneBox(browser, 'en-US', 'guest-dial-in');
  const guestDe = await guestPhoneBox(browser, 'de-DE', 'guest-dial-in-de');

  // Only the phone guest is in the room: its card says guests are waiting.
  const m = await loginModerator(browser, base, password);
  const roomId = await m.page.$eval('#room-list [id^="room-"][data-state]', e => e.id.slice(5));
  const guestsWaiting = await until(async () =>
    (await m.page.$eval(`#room-${roomId}`, e => e.dataset.guestsWaiting)) === 'true',
  15000, 300, 'the phone guest counted as a guest waiting');

  // A browser guest too, for the contrast in the list.
  const erika = await joinAsGuest(browser, guestUrl, 'Erika');
  await waitScreen(erika, 'waiting');
  await joinFirstRoom(m);
  await waitScreen(erika, 'conference');
  if (await m.page.isHidden('#participant-list')) await m.page.click('#btn-participants');
  const row = '#participant-list li[data-role="phone_guest"]';
  await m.page.waitForSelector(row, { timeout: 15000 });
  await m.page.waitForSelector('#participant-list li[data-role="browser_guest"]', { timeout: 15000 });
  const listed = await m.page.$eval(row, e => ({
    id: e.dataset.participant,
    name: e.querySelector('.pname').textContent,
    role: e.querySelector('.pmeta .badge').textContent,
    handset: Boolean(e.querySelector('.avatar.phone svg.icon-handset')),
    canMute: Boolean(e.querySelector(`#mute-${e.dataset.participant}:not([disabled])`)),
    canKick: Boolean(e.querySelector(`#kick-${e.dataset.participant}`)),
  }));
  const browserGuestRole = await m.page.$eval(
    '#participant-list li[data-role="browser_guest"] .pmeta .badge', e => e.textContent);
  await shot(m, 'moderator-phone-guest');
  if (listed.name !== phoneName) throw new Error(`phone guest listed as ${listed.name}`);

  // Mute: the server's next participant list shows it muted.
  await m.page.click(`#mute-${listed.id}`);
  await m.page.waitForSelector(`#participant-${listed.id} .muted-mark`, { timeout: 10000 });
  const muted = await m.page.$eval(`#mute-${listed.id}`, b => b.disabled);

  // Kick, with the confirmation: the phone guest leaves the list.
  await kickFromList(m, listed.id);
  const remaining = await m.page.$$eval('#participant-list li', items => items.map(i => i.dataset.role));
  return {
    results: { guestEn, guestDe, guestsWaiting, listed, browserGuestRole, muted, kicked: true, remaining },
  };
});
