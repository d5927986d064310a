// scenarios.mjs: the end-to-end scenarios against a running
// konfero server (C++ or Python), each participant in its own browser
// context. Prints `RESULT <json>` with what each scenario measured; the
// Python test (tests/python/test_e2e_browser.py) asserts on it.
//
// Usage: node scenarios.mjs BASE_URL ADMIN_PASSWORD GUEST_URL SHOTS_DIR SCENARIO...
//   SCENARIO: conference | chat | kick-and-seats | hold | refused
import {
  closeAll, joinAsGuest, joinFirstRoom, loginModerator, mediaFlows, participant, run, screenshots,
  state, stats, until, waitScreen,
} from './lib.mjs';

const [base, password, guestUrl, shotsDir, ...which] = process.argv.slice(2);
const shot = screenshots(shotsDir);

const guest = (browser, name, url = guestUrl, opts = {}) => joinAsGuest(browser, url, name, opts);
const moderator = (browser, opts = {}) => loginModerator(browser, base, password, opts);
const joinDemo = joinFirstRoom;

async function demoRoomId(m) {
  return m.page.$eval('#room-list [id^="room-"][data-state]', e => e.id.slice(5));
}

// The first screen the guest page settles on after the link lookup: a
// refusal page, the name screen or the error page.
async function settledScreen(p, what) {
  return until(async () => {
    const s = await p.page.evaluate(() => document.body.dataset.screen);
    return ['bad-url', 'not-public', 'name', 'error'].includes(s) && s;
  }, 20000, 100, what);
}

const SCENARIOS = {
  // 1. A guest waits; the moderator joins; both receive audio and video.
  async conference(browser) {
    const g = await guest(browser, 'Erika');
    await waitScreen(g, 'waiting');
    await shot(g, 'guest-waiting');
    const m = await moderator(browser);
    await until(() => m.page.$('#room-list .guests-waiting'), 15000, 300, 'guests-waiting highlight');
    await shot(m, 'moderator-rooms-guests-waiting');
    await joinDemo(m);
    await waitScreen(g, 'conference');
    const guestMedia = await mediaFlows(g);
    const moderatorMedia = await mediaFlows(m);
    await shot(g, 'guest-conference');
    await shot(m, 'moderator-conference');
    return { guestMedia, moderatorMedia };
  },

  // 2. Chat both ways; a later participant sees the history.
  async chat(browser) {
    const m = await moderator(browser);
    await joinDemo(m);
    const g = await guest(browser, 'Erika');
    await waitScreen(g, 'conference');
    const send = async (p, text) => {
      if (await p.page.isHidden('#chat-input')) await p.page.click('#btn-chat');
      await p.page.fill('#chat-input', text);
      await p.page.click('#chat-send');
    };
    const has = (p, text) => async () => (await state(p)).chat.some(c => c.text === text);
    await send(m, 'Willkommen!');
    await until(has(g, 'Willkommen!'), 10000, 200, 'guest gets the moderator chat');
    await send(g, 'Danke, hallo');
    await until(has(m, 'Danke, hallo'), 10000, 200, 'moderator gets the guest chat');
    const late = await guest(browser, 'Max');
    await waitScreen(late, 'conference');
    await until(has(late, 'Danke, hallo'), 10000, 200, 'history for a late joiner');
    if (await late.page.isHidden('#chat-input')) await late.page.click('#btn-chat');
    await shot(late, 'chat-history');
    return { lateChat: (await state(late)).chat.map(c => c.text) };
  },

  // 3 and 5 (server started with one guest seat): a second guest finds no
  // seat; the moderator kicks the first; its seat is free again; a guest
  // who hangs up sees the "left" page; the kicked guest is barred.
  async 'kick-and-seats'(browser) {
    const m = await moderator(browser);
    await joinDemo(m);
    const first = await guest(browser, 'Erika');
    await waitScreen(first, 'conference');
    const second = await guest(browser, 'Max');
    await waitScreen(second, 'no-licence');
    await shot(second, 'guest-no-licence');
    const id = await until(async () => {
      const p = (await state(m)).participants.find(x => x.name === 'Erika');
      return p && p.id;
    }, 10000, 200, 'Erika in the list');
    if (await m.page.isHidden(`#kick-${id}`)) await m.page.click('#btn-participants');
    await shot(m, 'moderator-participants');
    await m.page.click(`#kick-${id}`);
    await m.page.waitForSelector('#confirm-dialog[open]');
    await shot(m, 'moderator-kick-confirm');
    await m.page.click('#confirm-ok');
    await waitScreen(first, 'kicked');
    await shot(first, 'guest-kicked');
    const third = await guest(browser, 'Anna');
    await waitScreen(third, 'conference');
    // Anna hangs up: her page says so, and the seat is free again.
    await third.page.click('#btn-leave');
    await waitScreen(third, 'left');
    await shot(third, 'guest-left');
    // Erika tries again from the same browser (the same guest key): barred.
    await first.page.goto(guestUrl);
    await waitScreen(first, 'name');
    await first.page.fill('#name-input', 'Erika');
    await first.page.click('#name-submit');
    const rejoinScreen = await until(async () => {
      const s = await first.page.evaluate(() => document.body.dataset.screen);
      return ['banned', 'waiting', 'conference', 'no-licence', 'error'].includes(s) && s;
    }, 20000, 200, 'the page Erika gets when she tries again');
    await shot(first, 'guest-banned');
    return { seatFreed: true, rejoinScreen };
  },

  // 4. The moderator leaves: guests wait and get no media from each other;
  // the moderator rejoins: the conference resumes.
  async hold(browser) {
    const m = await moderator(browser);
    await joinDemo(m);
    const a = await guest(browser, 'Erika');
    const b = await guest(browser, 'Max');
    await waitScreen(a, 'conference');
    await waitScreen(b, 'conference');
    await mediaFlows(a, 1000);
    await m.page.click('#btn-leave');
    await waitScreen(m, 'rooms');
    await waitScreen(a, 'waiting');
    await waitScreen(b, 'waiting');
    await new Promise(r => setTimeout(r, 1500));  // let what was in flight land
    const s1 = await stats(a);
    await new Promise(r => setTimeout(r, 3000));
    const s2 = await stats(a);
    const onHold = {
      videoBytes: s2 ? s2.video.bytesReceived - s1.video.bytesReceived : 0,
      framesDecoded: s2 ? s2.video.framesDecoded - s1.video.framesDecoded : 0,
    };
    await shot(a, 'guest-on-hold');
    await joinDemo(m);
    await waitScreen(a, 'conference');
    const resumed = await mediaFlows(a);
    return { onHold, resumed };
  },

  // 6. A wrong URL and a private room's URL are refused with their pages
  // (and a lookup the server cannot answer shows the error page),
  // straight away: the guest page looks the link up before it asks for a
  // name (GET /api/guest/<token>), so neither shows the name screen.
  async refused(browser) {
    const wrong = await participant(browser, 'Wrong');
    await wrong.page.goto(base + '/r/AAAAAAAAAAAAAAAAAAAAAA');
    const wrongUrlScreen = await settledScreen(wrong, 'the wrong link\'s page');
    await shot(wrong, 'guest-bad-url');
    // An escape that is no UTF-8 is a wrong link too (the page once threw).
    const mangled = await participant(browser, 'Mangled');
    const pageErrors = [];
    mangled.page.on('pageerror', e => pageErrors.push(String(e)));
    await mangled.page.goto(base + '/r/%FF%FE');
    const malformedUrlScreen = await settledScreen(mangled, 'the malformed link\'s page');
    const m = await moderator(browser);
    const id = await demoRoomId(m);
    const url = await m.page.$eval(`#room-${id}-url`, e => e.textContent.trim() || e.value);
    await m.page.click(`#room-${id}-public`);
    await m.page.click('#confirm-ok');  // "make the room private?"
    await until(async () => (await m.page.$eval(`#room-${id}`, e => e.dataset.public)) === 'false',
                10000, 200, 'the room turning private');
    await shot(m, 'moderator-room-private');
    // The room remembers the link it had, so its guests are told the room
    // is not public any more rather than that the link is wrong.
    const g = await participant(browser, 'Erika');
    await g.page.goto(url || guestUrl);
    const privateUrlScreen = await settledScreen(g, 'the private room\'s page');
    await shot(g, 'guest-not-public');
    // The server cannot answer the link lookup (a 503 from a proxy in
    // front of it, say): the guest page says so instead of asking for a name.
    const down = await participant(browser, 'Down');
    await down.page.route('**/api/guest/**', route => route.fulfill({ status: 503, body: '' }));
    await down.page.goto(guestUrl);
    const unreachableScreen = await settledScreen(down, 'the page when the server cannot answer');
    await shot(down, 'guest-error');
    return { wrongUrlScreen, malformedUrlScreen, pageErrors, privateUrlScreen, unreachableScreen };
  },
};

run(async browser => {
  const results = {};
  for (const name of which) {
    results[name] = await SCENARIOS[name](browser);
    await closeAll();
    await new Promise(r => setTimeout(r, 1500));  // the server sees them leave
  }
  return { results };
});
