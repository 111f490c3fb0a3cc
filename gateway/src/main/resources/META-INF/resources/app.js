// chat-suite web client: plain ES modules, no framework, no build step.
// Untrusted text (names, emails, messages, server messages) only ever reaches the page through
// textContent / text nodes (see dom.js `h`), never through HTML parsing.
//
// One module per screen or part of one, sharing state.js:
//   auth.js           sign-in / registration, and switching between the two screens
//   conversations.js  the conversation list (polled)
//   search.js         people search and new 1-on-1 or group conversations
//   chat.js           the open conversation and its socket (socket.js), with
//                     messages.js (history, receipts), typing.js and outbox.js (sending)
//   notices.js        the notice bar and the connection indicator; api.js and dom.js underneath.

import { api } from './api.js';
import { bindAuth, enterChat, showAuth } from './auth.js';
import { bindSearch } from './search.js';
import { bindChat } from './chat.js';

async function boot() {
  bindAuth();
  bindSearch();
  bindChat();
  try {
    const env = await api.get('/api/users/profile/');
    enterChat(env.data);
  } catch (err) {
    showAuth('login', err.status === 401 ? '' : `Could not reach the server: ${err.message}`);
  }
}

boot();
