// drive.mjs: opens a test page in Debian's Chromium (headless, fake camera
// and microphone) with playwright-core, waits until the page sets
// window.result.done, and prints `RESULT <json>` for the Python test that
// started it. No browser is downloaded: /usr/bin/chromium is used.
//
// Usage: node drive.mjs URL [TIMEOUT_MS] [SCREENSHOT.png]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const url = process.argv[2];
const timeoutMs = Number(process.argv[3] || 60000);
const screenshot = process.argv[4];

const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  // Without it Chromium offers no loopback candidate and ICE never connects.
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'konfero-chromium-'));
let context;
let rc = 1;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: false, args: ARGS,
    viewport: { width: 900, height: 700 }, timeout: 30000,
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', m => console.log('[page]', m.text()));
  await page.goto(url, { timeout: 15000 });
  await page.waitForFunction('window.result && window.result.done', null, { timeout: timeoutMs });
  const result = await page.evaluate('window.result');
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  console.log('RESULT ' + JSON.stringify(result));
  rc = 0;
} catch (e) {
  console.log('RESULT ' + JSON.stringify({ done: true, ok: false, error: String(e) }));
  rc = 2;
} finally {
  if (context) await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(rc);
