// sharing.mjs: screen sharing and the moderator's remote mute, in the
// browser. Against a running konfero-server (C++): the moderator and the
// guest Erika in the demo room, each in their own browser context (fake
// camera, microphone and screen). Prints `RESULT <json>`; the Python test
// (tests/python/test_e2e_sharing.py) asserts on it.
//
//   1. Erika shares her screen: the moderator's client gets a slot with
//      source "screen" for her and decodes frames in it (getStats per mid),
//      while her camera stays in its own slot; she stops, and the slot is
//      given back.
//   2. The moderator mutes Erika: her client turns its microphone off, both
//      lists show her muted, and what the moderator hears (the inbound
//      audio's totalAudioEnergy, the mix of everyone but himself) falls to
//      silence; she unmutes herself and is heard again.
//   3. The room is deleted while she is in it: her page says the
//      conference has ended.
//
// Usage: node sharing.mjs BASE_URL ADMIN_PASSWORD GUEST_URL SHOTS_DIR
import {
  joinAsGuest, joinFirstRoom, loginModerator, mediaFlows, run, screenshots, state, stats, until,
  waitScreen,
} from './lib.mjs';

const [base, password, guestUrl, shotsDir] = process.argv.slice(2);
const shot = screenshots(shotsDir);
const sleep = ms => new Promise(r => setTimeout(r, ms));

// The energy of what `p` hears over `ms` (sum of the squared level times
// the duration, as Chrome counts it).
async function heardEnergy(p, ms) {
  const a = await stats(p);
  await sleep(ms);
  const b = await stats(p);
  return b.audio.totalAudioEnergy - a.audio.totalAudioEnergy;
}

function slotOf(s, participant, source) {
  return s.slots.find(x => x.participant === participant && x.source === source);
}

async function slotStats(p, mid) {
  const s = await stats(p);
  return s.video.slots[mid] || { framesDecoded: 0, frameWidth: 0, frameHeight: 0 };
}

// Frames decoded in slot `mid` over `ms`, once it decodes at all.
async function slotFrames(p, mid, ms = 3000) {
  const a = await until(async () => {
    const v = await slotStats(p, mid);
    return v.framesDecoded > 0 && v;
  }, 30000, 500, `frames in slot ${mid}`);
  await sleep(ms);
  const b = await slotStats(p, mid);
  return { frames: b.framesDecoded - a.framesDecoded, width: b.frameWidth, height: b.frameHeight };
}

async function listedMuted(p, id) {
  const me = (await state(p)).participants.find(x => x.id === id);
  return Boolean(me && me.muted);
}

async function shareScreen(m, g, erika) {
  await g.page.click('#btn-screen');
  await until(async () => (await state(g)).sharing, 15000, 300, 'Erika sharing');
  const screen = await until(async () => slotOf(await state(m), erika, 'screen'), 30000, 300,
                             'a slot with her screen');
  const camera = slotOf(await state(m), erika, 'camera');
  const seen = { screenMid: screen.mid, screen: await slotFrames(m, screen.mid) };
  seen.cameraMid = camera ? camera.mid : null;
  seen.camera = camera ? await slotFrames(m, camera.mid, 1000) : null;
  await shot(m, 'moderator-screen-share');
  await shot(g, 'guest-sharing');

  await g.page.click('#btn-screen');
  await until(async () => !(await state(g)).sharing, 15000, 300, 'Erika no longer sharing');
  await until(async () => !slotOf(await state(m), erika, 'screen'), 30000, 300,
              'her screen slot given back');
  seen.slotFreed = true;
  return seen;
}

async function muteAndUnmute(m, g, erika) {
  const heard = { before: await heardEnergy(m, 4000) };
  if (await m.page.isHidden(`#mute-${erika}`)) await m.page.click('#btn-participants');
  await m.page.click(`#mute-${erika}`);
  await until(async () => !(await state(g)).mic, 15000, 300, 'her microphone off');
  await until(() => listedMuted(m, erika), 15000, 300, 'the moderator lists her muted');
  const guestListsHerself = await until(() => listedMuted(g, erika), 15000, 300,
                                        'she lists herself muted');
  await shot(m, 'moderator-muted-guest');
  await sleep(1000);  // frames of hers already in the jitter buffer play out
  heard.muted = await heardEnergy(m, 4000);

  await g.page.click('#btn-mic');
  await until(async () => (await state(g)).mic, 15000, 300, 'her microphone on again');
  await until(async () => !(await listedMuted(m, erika)), 15000, 300, 'listed unmuted');
  await sleep(1000);
  heard.unmuted = await heardEnergy(m, 4000);
  return { heard, guestListsHerself };
}

run(async browser => {
  const m = await loginModerator(browser, base, password);
  await joinFirstRoom(m);
  const g = await joinAsGuest(browser, guestUrl, 'Erika');
  await waitScreen(g, 'conference');
  await mediaFlows(m, 1000);
  const erika = (await state(g)).self.id;
  const sharing = await shareScreen(m, g, erika);
  const muting = await muteAndUnmute(m, g, erika);
  // 3. The room is deleted (REST, with the moderator's session) while
  // Erika is in it: her page says the conference has ended.
  const roomId = (await state(m)).room.id;
  const deleted = await m.page.evaluate(async id => {
    const token = sessionStorage.getItem('konfero.session');
    const r = await fetch(`/api/rooms/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    return r.status;
  }, roomId);
  await waitScreen(g, 'ended');
  await shot(g, 'guest-ended');
  return { results: { sharing, muting, deleted } };
});
