// The chat screen's open conversation: its socket, what arrives on it, and opening and closing it.
// Its parts live next door: messages.js (history, receipts), typing.js, outbox.js (sending).

import { api } from './api.js';
import { ChatSocket } from './socket.js';
import { $ } from './dom.js';
import { state, later } from './state.js';
import { renderChatHeader } from './chat-header.js';
import { loadConversations, renderConversationList } from './conversations.js';
import { loadLatest, loadOlder, receiveMessages, onRead, sendRead, renderOlderButton, setHistoryStatus } from './messages.js';
import { onTyping, renderTyping, stopTyping, onComposerInput } from './typing.js';
import { sendFromComposer, flushOutbox, renderPendingStatus, deliverViaRest } from './outbox.js';
import { showNotice, setConnectionState } from './notices.js';

const HISTORY_FALLBACK_MS = 2500;
const RESEND_CHECK_MS = 4000;

export function bindChat() {
  $('conversation-list').addEventListener('click', (event) => {
    const item = event.target.closest('[data-conversation-id]');
    if (item) openConversation(item.dataset.conversationId);
  });
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    sendFromComposer();
  });
  const input = $('message-input');
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendFromComposer();
    }
  });
  input.addEventListener('input', onComposerInput);
  $('load-older').addEventListener('click', () => state.active && loadOlder(state.active));
  $('scroller').addEventListener('scroll', () => {
    if (state.active && $('scroller').scrollTop < 60) loadOlder(state.active);
  }, { passive: true });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !state.me) return;
    if (state.active) sendRead(state.active);
    loadConversations();
  });
  window.addEventListener('online', () => state.active && state.active.socket.reconnectNow());
}

function newChat(conv) {
  return {
    id: conv.id,
    conv,
    messages: [], // confirmed messages, oldest -> newest, mirrored by #message-list
    ids: new Set(),
    hasMore: false,
    historyLoaded: false,
    loadingLatest: false,
    loadingOlder: false,
    olderBlockedUntil: 0,
    outbox: new Map(), // client_id -> {clientId, content, sentAt, el}
    reads: new Map(), // user id -> last_read_id
    online: new Set(),
    typing: new Map(), // user id -> {name, timer}
    typingSent: false,
    typingSentAt: 0,
    timers: new Set(),
    lastReadSent: null,
    socket: null,
  };
}

export function openConversation(id) {
  const conv = state.conversations.get(id);
  if (!conv || (state.active && state.active.id === id)) return;
  teardownChat();
  const chat = newChat(conv);
  state.active = chat;
  conv.unread_count = 0;
  renderConversationList();
  $('chat-placeholder').hidden = true;
  $('chat-panel').hidden = false;
  $('message-list').replaceChildren();
  $('pending-list').replaceChildren();
  $('message-input').value = '';
  renderTyping(chat);
  renderChatHeader(chat);
  renderOlderButton(chat);
  setHistoryStatus('Loading messages…');
  // The socket goes live first and history is read after, so nothing sent in between is missed
  // (duplicates are dropped by id). If the socket is slow, history is read anyway.
  chat.socket = new ChatSocket(id, {
    onFrame: (frame, info) => { if (state.active === chat) onFrame(chat, frame, info); },
    onState: (s) => { if (state.active === chat) onSocketState(chat, s); },
    checkAccess: () => checkAccess(chat),
  });
  chat.socket.start();
  later(chat, () => { if (!chat.historyLoaded) loadLatest(chat); }, HISTORY_FALLBACK_MS);
  chat.resendTimer = setInterval(() => flushOutbox(chat, false), RESEND_CHECK_MS);
  $('message-input').focus();
}

/** Closes the open conversation; its unconfirmed messages go over REST unless the session is ending. */
export function teardownChat({ discardOutbox = false } = {}) {
  const chat = state.active;
  if (!chat) return;
  stopTyping(chat);
  state.active = null;
  chat.socket.stop();
  clearInterval(chat.resendTimer);
  for (const t of chat.timers) clearTimeout(t);
  for (const t of chat.typing.values()) clearTimeout(t.timer);
  if (!discardOutbox) for (const item of chat.outbox.values()) deliverViaRest(chat.id, item, 0);
  $('chat-panel').hidden = true;
  $('chat-placeholder').hidden = false;
  setConnectionState('idle');
  renderConversationList();
}

async function checkAccess(chat) {
  try {
    await api.get(`/api/chat/conversations/${encodeURIComponent(chat.id)}/`);
    return true;
  } catch (err) {
    if (err.status === 403 || err.status === 404) {
      showNotice('You no longer have access to this conversation.');
      return false;
    }
    return err.status !== 401; // 401: the session is over (the API layer already went to login)
  }
}

function onFrame(chat, frame, info) {
  switch (frame.type) {
    case 'connection_established':
      chat.online.clear();
      renderChatHeader(chat);
      if (!info.resumed) loadLatest(chat); // resumed connections get the missed messages replayed
      flushOutbox(chat, true);
      sendRead(chat);
      break;
    case 'message':
      if (frame.message) receiveMessages(chat, [frame.message], 'live');
      break;
    case 'typing':
      onTyping(chat, frame);
      break;
    case 'read':
      onRead(chat, frame);
      break;
    case 'presence':
      if (frame.user_id === state.me.id) break;
      if (frame.online) chat.online.add(frame.user_id);
      else chat.online.delete(frame.user_id);
      renderChatHeader(chat);
      break;
    case 'resync_required':
      loadLatest(chat, true);
      break;
    case 'error':
      // rate_limited: the message stays in the outbox and is sent again later.
      if (frame.code !== 'rate_limited') showNotice(frame.message || `Error: ${frame.code}`);
      break;
    default:
      break;
  }
}

function onSocketState(chat, socketState) {
  setConnectionState(socketState);
  for (const item of chat.outbox.values()) renderPendingStatus(chat, item);
}
