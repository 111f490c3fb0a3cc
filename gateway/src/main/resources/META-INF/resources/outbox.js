// The outbox: messages written but not yet confirmed by their echo, shown as pending until then.

import { api } from './api.js';
import { $, h, randomId } from './dom.js';
import { state } from './state.js';
import { stopTyping } from './typing.js';
import { scrollToBottom } from './messages.js';
import { loadConversations } from './conversations.js';
import { showNotice, describe } from './notices.js';

const RESEND_AFTER_MS = 10000;
const MAX_CONTENT = 5000;

export function sendFromComposer() {
  const chat = state.active;
  const input = $('message-input');
  if (!chat) return;
  const content = input.value.trim();
  if (!content) return;
  if (content.length > MAX_CONTENT) {
    showNotice(`A message can have at most ${MAX_CONTENT} characters.`);
    return;
  }
  input.value = '';
  stopTyping(chat);
  const item = { clientId: randomId(), content, sentAt: 0 };
  item.status = h('span', { class: 'pending-status' });
  item.el = h('li', { class: 'msg mine pending', 'data-testid': 'pending-message', 'data-client-id': item.clientId },
    h('p', { class: 'msg-content', text: content }), item.status);
  $('pending-list').append(item.el);
  chat.outbox.set(item.clientId, item);
  trySend(chat, item);
  scrollToBottom();
}

/**
 * Every unconfirmed message is (re)sent with its client_id until its echo arrives; the server
 * stores one message per client_id, so retries never duplicate.
 */
function trySend(chat, item) {
  if (chat.socket.send({ type: 'message', content: item.content, client_id: item.clientId })) item.sentAt = Date.now();
  renderPendingStatus(chat, item);
}

export function flushOutbox(chat, force) {
  if (state.active !== chat) return;
  const now = Date.now();
  for (const item of chat.outbox.values()) {
    if (force || !item.sentAt || now - item.sentAt > RESEND_AFTER_MS) trySend(chat, item);
  }
}

export function renderPendingStatus(chat, item) {
  item.status.textContent = chat.socket.isLive ? 'Sending…' : 'Waiting for the connection…';
}

/** Messages still unconfirmed when the user leaves a conversation are posted over REST (same client_id). */
export function deliverViaRest(conversationId, item, attempt) {
  api.post(`/api/chat/conversations/${encodeURIComponent(conversationId)}/messages/`, { content: item.content, client_id: item.clientId })
    .then(() => loadConversations())
    .catch((err) => {
      const transient = err.status === 0 || err.status === 429 || err.status >= 500;
      if (transient && attempt < 6 && state.me) setTimeout(() => deliverViaRest(conversationId, item, attempt + 1), 1000 * 2 ** attempt);
      else if (state.me) showNotice(`A message could not be sent: ${describe(err)}`);
    });
}
