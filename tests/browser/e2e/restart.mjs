// restart.mjs: the web client gets back into the conference by itself after
// the server was killed (kill -9) and started again on the same data
// directory and ports. Against a running konfero-server (C++), each
// participant in its own browser context; the Python test
// (tests/python/test_server_restart.py) does the killing and restarting
// and asserts on what this prints.
//
// Usage: node restart.mjs BASE_URL ADMIN_PASSWORD GUEST_URL SHOTS_DIR
//
// Protocol with the Python side, one line each:
//   this script prints  `READY <json>`  once the moderator and the guest
//   Erika are in the conference with media flowing and two chat messages
//   posted; it then reads one line on stdin (`RESTARTED`: the server was
//   killed and a new one is up on the same port) and waits, hands off,
//   until both pages are back in the conference by themselves (no reload,
//   no click). Finally both leave by the red handset, and it prints
//   `RESULT <json>` (lib.mjs: run).
import readline from 'node:readline';

import {
  joinAsGuest, joinFirstRoom, loginModerator, mediaFlows, metrics, run, screenshots, state,
  until, waitScreen,
} from './lib.mjs';

const [base, password, guestUrl, shotsDir] = process.argv.slice(2);
const shot = screenshots(shotsDir);
const sleep = ms => new Promise(r => setTimeout(r, ms));

// How long the Python side may take to kill and restart the server.
const RESTART_MAX_MS = 60000;
// From the new server's banner to both pages back in the conference: the
// client's backoff (at most 2 s while it holds a resume token, 10 s later),
// the refused resume, a fresh join and a new RTCPeerConnection, on a
// loaded 2-core machine.
const RECOVERY_MS = 90000;
const ICE_UP = ['connected', 'completed'];
const BEFORE = ['Hallo vor dem Absturz', 'Danke, ebenso'];
const AFTER = 'Wieder da';

function seats(m) {
  return {
    used: m['konfero_licence_seats{state="used"}'],
    free: m['konfero_licence_seats{state="free"}'],
    guests: m['konfero_participants{role="browser_guest"}'],
    moderators: m['konfero_participants{role="moderator"}'],
    inGrace: m['konfero_signalling_sessions{state="in_grace"}'],
    peers: m.konfero_peers,
  };
}

// Polls /metrics until `pred(seats)`; the error says what was seen last.
async function seatsUntil(pred, timeout, what) {
  let last;
  try {
    return await until(async () => {
      last = seats(await metrics(base));
      return pred(last) && last;
    }, timeout, 300, what);
  } catch (e) {
    throw new Error(`${e.message}; last seen: ${JSON.stringify(last)}`);
  }
}

// The next line on stdin (the Python side's go-ahead).
const lines = readline.createInterface({ input: process.stdin });
const pending = [];
const waiters = [];
lines.on('line', line => (waiters.length ? waiters.shift()(line) : pending.push(line)));
function nextLine() {
  return pending.length ? Promise.resolve(pending.shift()) : new Promise(r => waiters.push(r));
}

async function sendChat(p, text) {
  if (await p.page.isHidden('#chat-input')) await p.page.click('#btn-chat');
  await p.page.fill('#chat-input', text);
  await p.page.click('#chat-send');
}

const chatHas = (p, text) => async () => (await state(p)).chat.some(c => c.text === text);

async function bannerText(p) {
  return p.page.$eval('#net-banner', e => (e.hidden ? '' : e.textContent));
}

// What the assertions compare before and after the restart.
async function snapshot(p) {
  const s = await state(p);
  return {
    screen: s.screen, id: s.self.id, role: s.self.role, room: s.room.id,
    participants: s.participants.map(q => q.name).sort(),
    chat: s.chat.map(c => c.text), resumes: s.resumes, media: s.media, ice: s.ice,
    signalling: s.signalling,
    // Set before the kill: still there means the page was never reloaded.
    samePage: await p.page.evaluate(() => window.__konferoRestartMark === 'before'),
  };
}

// One page back in the conference: its socket up and joined, ICE up, the
// conference screen, two participants listed (itself and the other), no
// banner, and a participant id the new server gave it.
async function back(p) {
  const s = await state(p);
  return s.signalling && ICE_UP.includes(s.ice) && s.screen === 'conference' && !s.waiting &&
         s.self.id !== null && s.participants.length === 2 && !(await bannerText(p));
}

// The pages while the server is gone: socket, ICE, screen and banner as
// they change, with the time since `t0`.
function watcher(ps, t0) {
  const seen = Object.fromEntries(ps.map(p => [p.name, []]));
  let stop = false;
  const done = (async () => {
    while (!stop) {
      for (const p of ps) {
        try {
          const s = await state(p);
          const entry = `${s.signalling ? 'socket up' : 'socket down'}, ICE ${s.ice}, ` +
                        `${s.screen}, ${await bannerText(p) || 'no banner'}`;
          const list = seen[p.name];
          const changed = !list.length || list[list.length - 1][1] !== entry;
          if (changed) list.push([Date.now() - t0, entry]);
        } catch (e) {
          seen[p.name].push([Date.now() - t0, `unreadable: ${e}`]);
        }
      }
      await sleep(250);
    }
  })();
  return async () => { stop = true; await done; return seen; };
}

run(async browser => {
  // The conference: the moderator in the demo room, then Erika by its link.
  const m = await loginModerator(browser, base, password);
  const room = await joinFirstRoom(m);
  const g = await joinAsGuest(browser, guestUrl, 'Erika');
  await waitScreen(g, 'conference');
  await mediaFlows(g, 1000);
  await mediaFlows(m, 1000);
  await sendChat(m, BEFORE[0]);
  await until(chatHas(g, BEFORE[0]), 10000, 200, 'the guest gets the moderator chat');
  await sendChat(g, BEFORE[1]);
  await until(chatHas(m, BEFORE[1]), 10000, 200, 'the moderator gets the guest chat');
  await until(async () => (await state(m)).participants.length === 2 &&
                          (await state(g)).participants.length === 2, 10000, 300, 'two listed');
  for (const p of [m, g]) await p.page.evaluate(() => { window.__konferoRestartMark = 'before'; });
  const before = { moderator: await snapshot(m), guest: await snapshot(g),
                   seats: seats(await metrics(base)), room };

  // The Python side kills the server and starts a new one.
  console.log('READY ' + JSON.stringify({ room }));
  const t0 = Date.now();
  const stopWatching = watcher([m, g], t0);
  const go = await Promise.race([nextLine(), sleep(RESTART_MAX_MS).then(() => null)]);
  if (go === null || !go.startsWith('RESTARTED')) {
    throw new Error(`no go-ahead from the test (got ${JSON.stringify(go)})`);
  }
  const restartedAfterMs = Date.now() - t0;
  // Back by themselves: nothing is clicked or reloaded from here on.
  const t1 = Date.now();
  const backAfterMs = {};
  await until(async () => {
    for (const p of [m, g]) {
      if (backAfterMs[p.name] === undefined && await back(p)) backAfterMs[p.name] = Date.now() - t1;
    }
    return Object.keys(backAfterMs).length === 2;
  }, RECOVERY_MS, 500, 'both pages back in the conference');
  const during = await stopWatching();
  await seatsUntil(s => s.inGrace === 0, 15000, 'no one in grace');
  const guestMedia = await mediaFlows(g, 3000, RECOVERY_MS);
  const moderatorMedia = await mediaFlows(m, 3000, RECOVERY_MS);
  await shot(g, 'guest-after-restart');
  await shot(m, 'moderator-after-restart');
  const after = { moderator: await snapshot(m), guest: await snapshot(g),
                  seats: seats(await metrics(base)), guestMedia, moderatorMedia };

  // Chat works on the new server.
  await sendChat(m, AFTER);
  await until(chatHas(g, AFTER), 10000, 200, 'the guest gets chat after the restart');
  await until(chatHas(m, AFTER), 10000, 200, 'the moderator sees its chat after the restart');
  after.guestChat = (await state(g)).chat.map(c => c.text);
  after.moderatorChat = (await state(m)).chat.map(c => c.text);

  // Both hang up: every seat and transport is free again.
  await g.page.click('#btn-leave');
  await waitScreen(g, 'left');
  await m.page.click('#btn-leave');
  await waitScreen(m, 'rooms');
  const left = await seatsUntil(s => s.used === 0 && s.guests === 0 && s.moderators === 0 &&
                                     s.peers === 0, 20000,
                                'every seat and transport free after both left');
  return { before, during, after, left, restartedAfterMs, backAfterMs, chatBefore: BEFORE,
           chatAfter: AFTER };
});
