// phone_audio.mjs: a Chromium moderator talks with the phone guests
// (baresip, sipp: started by tests/python/test_sip_dial_in.py, already
// waiting in the room).
// The browser's microphone is a tone from a WAV file
// (--use-file-for-fake-audio-capture); the moderator joins the room, the
// phone guest appears in the participant list, and what the browser plays
// from the conference is recorded through WebAudio from the remote audio
// element for `SECONDS` seconds and handed back as 16-bit PCM (base64) for
// the Python test's FFT, with the inbound getStats() audio figures. Then,
// as END says, the moderator kicks the phone guest named PHONE_NAME from
// the list ("kick"), or leaves the conference ("leave": it is on hold).
// Prints `RESULT <json>` with epoch-ms timestamps so the test can cut the
// phone's recording at the same moments.
//
// Usage: node phone_audio.mjs BASE_URL ADMIN_PASSWORD ROOM_ID TONE_WAV PHONE_NAME SECONDS END
import { kickFromList, loginModerator, run, stats, until, waitScreen } from './lib.mjs';

const [base, password, roomId, toneWav, phoneName, seconds, end] = process.argv.slice(2);
if (!['kick', 'leave'].includes(end)) throw new Error(`END is kick or leave, not ${end}`);

// `secs` seconds of the remote audio element's stream, as base64 int16 PCM.
function recordRemoteAudio(secs) {
  return new Promise((resolve, reject) => {
    const stream = document.getElementById('remote-audio').srcObject;
    if (!stream || !stream.getAudioTracks().length) {
      reject(new Error('no remote audio track'));
      return;
    }
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(stream);
    const tap = ctx.createScriptProcessor(4096, 1, 1);
    const silent = ctx.createGain();
    silent.gain.value = 0;
    const want = Math.round(secs * ctx.sampleRate);
    const pcm = new Int16Array(want);
    let have = 0;
    const timer = setTimeout(() => reject(new Error(`recorded ${have} of ${want} samples`)),
                             secs * 1000 + 15000);
    tap.onaudioprocess = e => {
      if (have >= want) return;
      const block = e.inputBuffer.getChannelData(0);
      const n = Math.min(block.length, want - have);
      for (let i = 0; i < n; i++) pcm[have + i] = Math.max(-32768, Math.min(32767, block[i] * 32767));
      have += n;
      if (have < want) return;
      clearTimeout(timer);
      source.disconnect();
      tap.disconnect();
      ctx.close();
      let bin = '';
      const bytes = new Uint8Array(pcm.buffer);
      for (let i = 0; i < bytes.length; i += 0x8000) {
        bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      }
      resolve({ rate: ctx.sampleRate, pcm: btoa(bin) });
    };
    source.connect(tap);
    tap.connect(silent);
    silent.connect(ctx.destination);
    ctx.resume();
  });
}

run(async browser => {
  const m = await loginModerator(browser, base, password);
  await m.page.click(`#room-${roomId}-join`);
  await m.page.waitForFunction(() => document.body.dataset.screen === 'conference',
                               null, { timeout: 30000 });
  const joinedAt = Date.now();
  const rows = '#participant-list li[data-role="phone_guest"]';
  await m.page.waitForSelector(rows, { state: 'attached', timeout: 15000 });
  if (await m.page.isHidden(rows)) await m.page.click('#btn-participants');
  await m.page.waitForSelector(rows, { timeout: 5000 });
  const phones = await m.page.$$eval(rows, items => items.map(e => ({
    id: e.dataset.participant, name: e.querySelector('.pname').textContent,
  })));
  const phone = phones.find(p => p.name === phoneName);
  if (!phone) throw new Error(`no phone guest ${phoneName}: ${JSON.stringify(phones)}`);

  // Audio arrives, then a stretch of it is recorded.
  const before = await until(async () => {
    const s = await stats(m);
    return s && s.audio.packetsReceived > 50 && s;
  }, 20000, 300, 'audio from the conference');
  const recordFrom = Date.now();
  const heard = await m.page.evaluate(recordRemoteAudio, Number(seconds));
  const recordTo = Date.now();
  const after = await stats(m);

  if (end === 'kick') {
    await kickFromList(m, phone.id);
  } else {
    await m.page.click('#btn-leave');
    await waitScreen(m, 'rooms');
  }
  const endedAt = Date.now();
  return {
    results: {
      joinedAt, recordFrom, recordTo, endedAt, phones,
      rate: heard.rate, pcm: heard.pcm,
      audio: {
        packets: after.audio.packetsReceived - before.audio.packetsReceived,
        energy: after.audio.totalAudioEnergy - before.audio.totalAudioEnergy,
        bytesSent: after.audio.bytesSent,
      },
    },
  };
}, { args: [`--use-file-for-fake-audio-capture=${toneWav}`] });
