// reconnect.mjs: the web client comes back by itself after a network loss,
// and the screens in German and English. Against a running konfero-server
// (C++), each participant in its own browser context; prints `RESULT
// <json>` with what each scenario measured, and the Python test
// (tests/python/test_e2e_reconnect.py) asserts on it.
//
// Usage: node reconnect.mjs BASE_URL ADMIN_PASSWORD GUEST_URL SHOTS_DIR SCENARIO...
//   SCENARIO: signalling-loss | media-loss | network-loss | silent-loss
//             | silent-signalling
//             | grace-expired (the server with --reconnect-grace 3)
//             (real faults made with ss and nftables: root in a private
//             network namespace only)
//           | screens                                      (no faults)
import {
  closeAll, joinAsGuest, joinFirstRoom, loginModerator, mediaFlows, metrics, participant, run,
  screenshots, state, stats, until, waitScreen,
} from './lib.mjs';
import {
  OBSERVER, blockUdpPort, clearFaults, killTcp, refuseTcp, silenceTcp, tcpClientPorts,
} from './netfault.mjs';

const [base, password, guestUrl, shotsDir, ...which] = process.argv.slice(2);
const serverPort = Number(new URL(base).port);
const shot = screenshots(shotsDir);
const sleep = ms => new Promise(r => setTimeout(r, ms));

// How long each fault lasts: long enough for the client to notice (ICE
// says "disconnected" after a few seconds without consent responses, and
// waits 4 s more before it restarts) and short of the server's reconnect
// grace (20 s) and ICE consent timeout (30 s).
const SIGNALLING_OUTAGE_MS = 4000;
const MEDIA_OUTAGE_MAX_MS = 40000;
const NETWORK_OUTAGE_MS = 6000;  // at least; see network-loss
// ICE "disconnected" (~8 s), its grace (4 s), the unanswered offer (15 s).
const SILENT_OUTAGE_MAX_MS = 60000;
// A slow, loaded 2-core machine: everything after a fault gets this long.
const RECOVERY_MS = 45000;

const ICE_UP = ['connected', 'completed'];

function seats(m) {
  return {
    used: m['konfero_licence_seats{state="used"}'],
    guests: m['konfero_participants{role="browser_guest"}'],
    inGrace: m['konfero_signalling_sessions{state="in_grace"}'],
    peers: m.konfero_peers,
  };
}

async function bannerText(p) {
  return p.page.$eval('#net-banner', e => (e.hidden ? '' : e.textContent));
}

// The moderator in the demo room, then the guest Erika: both in the
// conference with media flowing. Also which TCP connections are Erika's
// (those that were not there before her page opened).
async function conferenceOfTwo(browser) {
  const m = await loginModerator(browser, base, password);
  await joinFirstRoom(m);
  const others = tcpClientPorts(serverPort);
  const g = await joinAsGuest(browser, guestUrl, 'Erika');
  await waitScreen(g, 'conference');
  await mediaFlows(g, 1000);
  await mediaFlows(m, 1000);
  const guestPorts = new Set([...tcpClientPorts(serverPort)].filter(p => !others.has(p)));
  if (!guestPorts.size) throw new Error('found no TCP connection of the guest');
  return { m, g, guestPorts };
}

// Watches the guest for `ms`: its ICE states and banners as they change,
// with the time since `t0`.
async function watch(g, ms, t0) {
  const seen = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const s = await state(g);
    const entry = `${s.signalling ? 'socket up' : 'socket down'}, ICE ${s.ice}, ${await bannerText(g) || 'no banner'}`;
    if (!seen.length || seen[seen.length - 1][1] !== entry) seen.push([Date.now() - t0, entry]);
    await sleep(250);
  }
  return seen;
}

// Resets the guest's TCP connections and refuses new ones until
// clearFaults(); returns the seat metrics once the server has her in its
// reconnect grace (her banner says the connection is lost).
async function cutOffSignalling(g, guestPorts) {
  refuseTcp(serverPort);
  killTcp(serverPort, guestPorts);
  await until(async () => (await bannerText(g)).startsWith('Connection lost'), 10000, 100,
              'the reconnect banner');
  return until(async () => {
    const s = seats(await metrics(base, OBSERVER));
    return s.inGrace === 1 && s;
  }, 10000, 200, 'the guest in its grace period');
}

// Erika as the moderator's list shows her (all entries of that name).
async function erikaSeenBy(m) {
  return (await state(m)).participants.filter(p => p.name === 'Erika').map(p => p.id);
}

// What the assertions compare before and after a fault.
async function snapshot(g, m) {
  const s = await state(g);
  return {
    id: s.self.id, role: s.self.role, resumes: s.resumes, media: s.media, ice: s.ice,
    erikaSeenByModerator: await erikaSeenBy(m), seats: seats(await metrics(base, OBSERVER)),
  };
}

// Back to normal: the banner gone, ICE up, Erika once in the moderator's
// list, media both ways; the snapshot comes last, when the offer that
// followed the resume has long been answered.
async function recovered(g, m) {
  await until(async () => {
    const s = await state(g);
    return s.signalling && ICE_UP.includes(s.ice) && !(await bannerText(g));
  }, RECOVERY_MS, 500, 'the guest connected again');
  await until(async () => (await erikaSeenBy(m)).length === 1, 15000, 300, 'Erika in the list');
  await until(async () => seats(await metrics(base, OBSERVER)).inGrace === 0, 15000, 300, 'no one in grace');
  const guestMedia = await mediaFlows(g, 3000, RECOVERY_MS);
  const moderatorMedia = await mediaFlows(m, 3000, RECOVERY_MS);
  return { ...(await snapshot(g, m)), guestMedia, moderatorMedia };
}

const SCENARIOS = {
  // a. The guest's WebSocket is reset (as by a NAT box that forgot the
  // flow) and the server refuses new connections for a few seconds; media
  // (UDP) is untouched. The client resumes as the same participant and
  // keeps its RTCPeerConnection.
  async 'signalling-loss'(browser) {
    const { m, g, guestPorts } = await conferenceOfTwo(browser);
    const before = await snapshot(g, m);
    let during;
    try {
      const inGrace = await cutOffSignalling(g, guestPorts);
      await shot(g, 'guest-reconnecting');
      during = {
        seats: inGrace,
        erikaSeenByModerator: await erikaSeenBy(m),
        ice: (await state(g)).ice,
      };
      await sleep(SIGNALLING_OUTAGE_MS);
    } finally {
      clearFaults();
    }
    return { before, during, after: await recovered(g, m) };
  },

  // b. Every datagram to and from the guest's media port is lost (a Wi-Fi
  // dead spot, a NAT binding gone); signalling stays. The client restarts
  // ICE on the same connection, and the loss stays in place until ICE is
  // back: the restart, not the end of the loss, brings media back.
  async 'media-loss'(browser) {
    const { m, g } = await conferenceOfTwo(browser);
    const before = await snapshot(g, m);
    const local = (await stats(g)).localCandidate;
    if (!local || !local.port) throw new Error('no selected candidate pair in getStats');
    const iceStates = new Set();
    let restartAfterMs;
    let recoveredWhileBlocked;
    let bannerShown = '';
    const t0 = Date.now();
    try {
      blockUdpPort(local.port);
      await until(async () => {
        const s = await state(g);
        iceStates.add(s.ice);
        if (!bannerShown) {
          bannerShown = await bannerText(g);
          if (bannerShown) await shot(g, 'guest-media-reconnecting');
        }
        return s.media.iceRestarts > before.media.iceRestarts;
      }, MEDIA_OUTAGE_MAX_MS, 250, 'an ICE restart');
      restartAfterMs = Date.now() - t0;
      // The old port stays silent: does the restart (new candidates) alone
      // bring ICE back? Reported, not required (Chromium may reuse it).
      recoveredWhileBlocked = await until(async () => ICE_UP.includes((await state(g)).ice),
                                          20000, 250, 'ICE up').then(() => true, () => false);
    } finally {
      clearFaults();
    }
    const after = await recovered(g, m);
    after.localPort = ((await stats(g)).localCandidate || {}).port;
    return {
      before, after, blockedPort: local.port, restartAfterMs, recoveredWhileBlocked, bannerShown,
      iceStatesDuringLoss: [...iceStates],
    };
  },

  // a + b at once: the guest's whole network is gone (its socket reset,
  // new connections refused, its media port silent) for about 12 s, until
  // the client has begun an ICE restart. It resumes as the same
  // participant and restarts ICE on the same connection.
  async 'network-loss'(browser) {
    const { m, g, guestPorts } = await conferenceOfTwo(browser);
    const before = await snapshot(g, m);
    const local = (await stats(g)).localCandidate;
    if (!local || !local.port) throw new Error('no selected candidate pair in getStats');
    const t0 = Date.now();
    let duringLoss;
    try {
      refuseTcp(serverPort);
      blockUdpPort(local.port);
      killTcp(serverPort, guestPorts);
      // Until the client has begun an ICE restart (after ICE has been
      // "disconnected" for a while): ICE that comes back by itself proves
      // nothing about the restart.
      duringLoss = await watch(g, NETWORK_OUTAGE_MS, t0);
      await until(async () => {
        const s = await state(g);
        return s.media.iceRestartsBegun > before.media.iceRestartsBegun;
      }, MEDIA_OUTAGE_MAX_MS, 250, 'an ICE restart begun');
      duringLoss.push([Date.now() - t0, 'ICE restart begun']);
    } finally {
      clearFaults();
    }
    const afterLoss = await watch(g, 3000, t0);
    return { before, after: await recovered(g, m), duringLoss, afterLoss };
  },

  // The guest's network changes without a word: its TCP connections go
  // silent (no reset, so the browser's socket stays "open") and its media
  // port too. The client notices the socket is dead (its ping gets no pong,
  // or ICE restarts and the restart's offer gets no answer, whichever comes
  // first) and opens a new socket, which resumes the same participant
  // (taking it over from the dead one) and restarts ICE.
  async 'silent-loss'(browser) {
    const { m, g, guestPorts } = await conferenceOfTwo(browser);
    const before = await snapshot(g, m);
    const local = (await stats(g)).localCandidate;
    if (!local || !local.port) throw new Error('no selected candidate pair in getStats');
    const t0 = Date.now();
    let resumedAfterMs;
    try {
      silenceTcp(guestPorts);
      blockUdpPort(local.port);
      await until(async () => (await state(g)).resumes > before.resumes, SILENT_OUTAGE_MAX_MS, 500,
                  'a resume on a new socket');
      resumedAfterMs = Date.now() - t0;
    } finally {
      clearFaults();
    }
    return { before, after: await recovered(g, m), resumedAfterMs };
  },

  // Only the guest's signalling goes silent (no reset); media is fine, so
  // nothing but the client's ping can tell: no pong comes back, the client
  // opens a new socket and resumes the same participant on the same
  // connection, without an ICE restart.
  async 'silent-signalling'(browser) {
    const { m, g, guestPorts } = await conferenceOfTwo(browser);
    const before = await snapshot(g, m);
    const t0 = Date.now();
    let resumedAfterMs;
    let mediaDuring;
    try {
      silenceTcp(guestPorts);
      mediaDuring = await mediaFlows(g, 3000);
      await until(async () => (await state(g)).resumes > before.resumes, SILENT_OUTAGE_MAX_MS, 500,
                  'a resume on a new socket');
      resumedAfterMs = Date.now() - t0;
    } finally {
      clearFaults();
    }
    const after = await recovered(g, m);
    return { before, mediaDuring, after: { ...after, pongTimeouts: (await state(g)).pongTimeouts },
             resumedAfterMs };
  },

  // e. The guest is cut off for longer than the server's reconnect grace
  // (the Python test starts the server with --reconnect-grace 3): she
  // leaves as disconnected and her seat and transport are freed while her
  // browser still retries. When the network is back her resume is refused;
  // the client joins afresh as a new participant, on a new
  // RTCPeerConnection, and media flows again.
  async 'grace-expired'(browser) {
    const { m, g, guestPorts } = await conferenceOfTwo(browser);
    const before = await snapshot(g, m);
    let during;
    try {
      const inGrace = await cutOffSignalling(g, guestPorts);
      const gone = await until(async () => {
        const s = seats(await metrics(base, OBSERVER));
        return s.inGrace === 0 && s.used === 0 && !(await erikaSeenBy(m)).length && s;
      }, 30000, 300, 'the guest gone when the grace ran out');
      during = { inGrace, gone, erikaSeenByModerator: await erikaSeenBy(m),
                 banner: await bannerText(g), media: (await state(g)).media };
    } finally {
      clearFaults();
    }
    return { before, during, after: await recovered(g, m) };
  },

  // Screens in German and English: the moderator's login, the guest's name
  // entry, and, in German, the waiting screen and the conference.
  async screens(browser) {
    const text = (p, selector) => p.page.$eval(selector, e => e.innerText);
    const seen = {};
    const en = await participant(browser, 'Guest (en)');
    await en.page.goto(guestUrl);
    await waitScreen(en, 'name');
    seen.nameEn = await text(en, '#screen-name');
    await shot(en, 'guest-name');
    await en.page.goto(base + '/');
    await waitScreen(en, 'login');
    seen.loginEn = await text(en, '#screen-login');
    await shot(en, 'moderator-login');

    const g = await participant(browser, 'Erika', { locale: 'de-DE' });
    await g.page.goto(guestUrl);
    await waitScreen(g, 'name');
    seen.nameDe = await text(g, '#screen-name');
    await shot(g, 'guest-name-de');
    await g.page.fill('#name-input', 'Erika');
    await g.page.click('#name-submit');
    await waitScreen(g, 'waiting');
    seen.waitingDe = await text(g, '#screen-waiting');
    await shot(g, 'guest-waiting-de');

    const m = await participant(browser, 'Moderator', { locale: 'de-DE' });
    await m.page.goto(base + '/');
    await waitScreen(m, 'login');
    seen.loginDe = await text(m, '#screen-login');
    await shot(m, 'moderator-login-de');
    await m.page.fill('#login-user', 'admin');
    await m.page.fill('#login-password', password);
    await m.page.click('#login-submit');
    await waitScreen(m, 'rooms');
    seen.roomsDe = await text(m, '#screen-rooms');
    await joinFirstRoom(m);
    await waitScreen(g, 'conference');
    await mediaFlows(g, 1000);
    await until(async () => (await state(g)).participants.length === 2, 10000, 300, 'two in the list');
    seen.conferenceDe = await text(g, '#screen-conference');
    seen.lang = await g.page.evaluate(() => document.documentElement.lang);
    await shot(g, 'guest-conference-de');
    await shot(m, 'moderator-conference-de');
    return seen;
  },
};

run(async browser => {
  const results = {};
  for (const name of which) {
    results[name] = await SCENARIOS[name](browser);
    await closeAll();
    await sleep(1500);  // the server sees them leave
  }
  return { results };
});
