// hook.js: window.konfero, the small test hook the end-to-end tests read.
//
//   window.konfero.state()   -> { screen, participants, slots, chat, ..., resumes, pongTimeouts,
//                                 media: { connections, iceRestartsBegun, iceRestarts, iceUfrag } }
//   await window.konfero.stats()  -> inbound audio/video bytes, framesDecoded
//   window.konfero.dropConnection()  -> closes the WebSocket as a network loss would
//
// The pages register what they have: the active call, the room list.

import { currentScreen } from './ui.js';

let activeCall = null;
let lobbyState = () => ({});

export function setActiveCall(call) {
  activeCall = call;
}

export function setLobbyState(provider) {
  lobbyState = provider;
}

window.konfero = {
  state() {
    const call = activeCall ? activeCall.snapshot() : { participants: [], slots: [], chat: [] };
    return { screen: currentScreen(), ...lobbyState(), ...call };
  },
  async stats() {
    return activeCall ? activeCall.media.stats() : null;
  },
  dropConnection() {
    if (activeCall) activeCall.sig.drop();
  },
};
