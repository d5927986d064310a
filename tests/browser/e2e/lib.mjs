// lib.mjs: shared pieces of the end-to-end scenarios: Debian's Chromium
// (headless, fake camera and microphone) through playwright-core, one
// browser context per participant, screens waited for by the body's
// data-screen attribute, getStats() summaries through the web client's
// window.konfero test hook, screenshots of every screen, and the usual
// steps (a guest joins by link, the moderator logs in and joins).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

// `extraArgs`: more switches, e.g. --use-file-for-fake-audio-capture=tone.wav.
export async function launch(extraArgs = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
                           args: [...ARGS, ...extraArgs], timeout: 30000 });
}

const openContexts = [];

// Closes every participant's context (each scenario starts from an empty room).
export async function closeAll() {
  while (openContexts.length) await openContexts.pop().close().catch(() => {});
}

// A participant: its own context (own storage, own guest key).
export async function participant(browser, name, { locale = 'en-US' } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 720 }, locale,
    permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'],
  });
  openContexts.push(context);
  const page = await context.newPage();
  page.on('console', m => console.log(`[${name}] ${m.text()}`));
  page.on('pageerror', e => console.log(`[${name}] PAGE ERROR ${e}`));
  return { name, context, page };
}

export async function waitScreen(p, screen, timeout = 30000) {
  await p.page.waitForFunction(s => document.body && document.body.dataset.screen === s, screen,
                               { timeout });
}

export function screenshots(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return async (p, name) => p.page.screenshot({ path: path.join(dir, `${name}.png`) });
}

// Inbound audio/video bytes and decoded frames, from the client's hook.
export async function stats(p) {
  return p.page.evaluate(() => window.konfero.stats());
}

export async function state(p) {
  return p.page.evaluate(() => window.konfero.state());
}

// Polls until fn() is truthy; returns its value.
export async function until(fn, timeout = 30000, step = 500, what = 'condition') {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise(r => setTimeout(r, step));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A guest from the room link: name entered, joined (waiting or in the
// conference, as the server says).
export async function joinAsGuest(browser, url, name, opts = {}) {
  const g = await participant(browser, name, opts);
  await g.page.goto(url);
  await waitScreen(g, 'name');
  await g.page.fill('#name-input', name);
  await g.page.click('#name-submit');
  return g;
}

// The moderator `admin`, logged in, on the room list.
export async function loginModerator(browser, base, password, opts = {}) {
  const m = await participant(browser, 'Moderator', opts);
  await m.page.goto(base + '/');
  await waitScreen(m, 'login');
  await m.page.fill('#login-user', 'admin');
  await m.page.fill('#login-password', password);
  await m.page.click('#login-submit');
  await waitScreen(m, 'rooms');
  return m;
}

// The moderator joins the room `id` from its room list.
export async function joinRoom(m, id) {
  await m.page.click(`#room-${id}-join`);
  await waitScreen(m, 'conference');
  return id;
}

// The moderator joins the first room of its list (the demo room).
export async function joinFirstRoom(m) {
  const id = await m.page.$eval('#room-list [id^="room-"][data-state]', e => e.id.slice(5));
  return joinRoom(m, id);
}

// The moderator kicks participant `id` from the list, with the
// confirmation; resolves once its row is gone.
export async function kickFromList(m, id) {
  await m.page.click(`#kick-${id}`);
  await m.page.waitForSelector('#confirm-dialog[open]');
  await m.page.click('#confirm-ok');
  await m.page.waitForSelector(`#participant-${id}`, { state: 'detached', timeout: 15000 });
}

// Inbound audio and video bytes and decoded frames over `ms`, once media
// arrives at all (bounded by `timeout`).
export async function mediaFlows(p, ms = 3000, timeout = 30000) {
  const a = await until(async () => {
    const s = await stats(p);
    return s && s.audio.bytesReceived > 0 && s.video.framesDecoded > 0 && s;
  }, timeout, 500, `${p.name} receiving media`);
  await new Promise(r => setTimeout(r, ms));
  const b = await stats(p);
  return {
    audioBytes: b.audio.bytesReceived - a.audio.bytesReceived,
    videoBytes: b.video.bytesReceived - a.video.bytesReceived,
    framesDecoded: b.video.framesDecoded - a.video.framesDecoded,
  };
}

// GET `url` on a new connection from the local address `localAddress`.
function getFrom(url, localAddress) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress, agent: false, timeout: 10000 }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', chunk => { body += chunk; });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
  });
}

// The server's /metrics as { 'name{labels}': value }; `from`: the local
// address to connect from (default: the system's choice).
export async function metrics(base, from = null) {
  const text = from ? await getFrom(base + '/metrics', from)
                    : await (await fetch(base + '/metrics')).text();
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

// Runs a scenario and prints `RESULT <json>` for the Python test;
// `args`: extra browser switches (see launch).
export async function run(scenario, { args = [] } = {}) {
  let browser;
  let rc = 1;
  try {
    browser = await launch(args);
    const result = await scenario(browser);
    console.log('RESULT ' + JSON.stringify({ ok: true, ...result }));
    rc = 0;
  } catch (e) {
    console.log('RESULT ' + JSON.stringify({ ok: false, error: String(e && e.stack || e) }));
    rc = 2;
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
  process.exit(rc);
}
