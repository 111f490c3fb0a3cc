// The open conversation's messages: history pages, live messages in id order, and read receipts.

import { api } from './api.js';
import { $, h, setText, compareIds, formatTime } from './dom.js';
import { state, isMine, later } from './state.js';
import { clearTyping } from './typing.js';
import { renderConversationList } from './conversations.js';

const PAGE_SIZE = 30;

export function setHistoryStatus(text) {
  setText($('history-status'), text);
}

function messagesPath(chat, query) {
  return `/api/chat/conversations/${encodeURIComponent(chat.id)}/messages/?${query}`;
}

/** Reads the newest page. `replace` (after resync_required) or a gap drops what was shown. */
export async function loadLatest(chat, replace = false) {
  if (chat.loadingLatest) {
    chat.latestAgain = replace ? 'replace' : chat.latestAgain || 'merge';
    return;
  }
  chat.loadingLatest = true;
  try {
    const env = await api.get(messagesPath(chat, `limit=${PAGE_SIZE}`));
    if (state.active !== chat) return;
    const page = env.data.messages || [];
    const newest = chat.messages[chat.messages.length - 1];
    const gap = newest && page.length && env.data.has_more && compareIds(page[0].id, newest.id) > 0;
    if (replace || gap) {
      chat.messages = [];
      chat.ids.clear();
      $('message-list').replaceChildren();
    }
    if (replace || gap || !chat.historyLoaded) chat.hasMore = Boolean(env.data.has_more);
    chat.historyLoaded = true;
    receiveMessages(chat, page, 'latest');
    scrollToBottom();
    setHistoryStatus(chat.messages.length ? '' : 'No messages yet. Say hello!');
    sendRead(chat);
  } catch (err) {
    if (state.active !== chat || err.status === 401) return;
    setHistoryStatus(`Could not load messages: ${err.message}`);
    if (!chat.historyLoaded) later(chat, () => loadLatest(chat), (err.retryAfter || 3) * 1000);
  } finally {
    chat.loadingLatest = false;
    renderOlderButton(chat);
    if (chat.latestAgain && state.active === chat) {
      const again = chat.latestAgain;
      chat.latestAgain = false;
      loadLatest(chat, again === 'replace');
    }
  }
}

export async function loadOlder(chat) {
  if (!chat.hasMore || chat.loadingOlder || !chat.messages.length || Date.now() < chat.olderBlockedUntil) return;
  chat.loadingOlder = true;
  renderOlderButton(chat);
  try {
    const oldest = chat.messages[0].id;
    const env = await api.get(messagesPath(chat, `before=${encodeURIComponent(oldest)}&limit=${PAGE_SIZE}`));
    if (state.active !== chat) return;
    const scroller = $('scroller');
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    receiveMessages(chat, env.data.messages || [], 'older');
    chat.hasMore = Boolean(env.data.has_more);
    scroller.scrollTop = scroller.scrollHeight - fromBottom; // keep the reader's place
    setHistoryStatus('');
  } catch (err) {
    if (state.active !== chat) return;
    if (err.retryAfter) chat.olderBlockedUntil = Date.now() + err.retryAfter * 1000;
    setHistoryStatus(`Could not load older messages: ${err.message}`);
  } finally {
    chat.loadingOlder = false;
    renderOlderButton(chat);
  }
}

export function renderOlderButton(chat) {
  const button = $('load-older');
  button.hidden = !(chat.hasMore && chat.messages.length);
  button.disabled = chat.loadingOlder;
  button.textContent = chat.loadingOlder ? 'Loading…' : 'Load older messages';
}

function isNearBottom() {
  const s = $('scroller');
  return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

export function scrollToBottom() {
  const s = $('scroller');
  s.scrollTop = s.scrollHeight;
}

/** Adds messages in id order, each id once; confirms own pending messages by client_id. */
export function receiveMessages(chat, messages, source) {
  const list = $('message-list');
  const stick = source !== 'older' && isNearBottom();
  let newest = null;
  let fromOthers = false;
  let ownConfirmed = false;
  for (const m of messages) {
    if (!m || typeof m.id !== 'string' || (m.conversation_id && m.conversation_id !== chat.id)) continue;
    if (m.client_id && isMine(m) && chat.outbox.has(m.client_id)) {
      chat.outbox.get(m.client_id).el.remove();
      chat.outbox.delete(m.client_id);
      ownConfirmed = true;
    }
    chat.socket.noteMessage(m.id);
    if (chat.ids.has(m.id)) continue;
    chat.ids.add(m.id);
    let i = chat.messages.length;
    while (i > 0 && compareIds(chat.messages[i - 1].id, m.id) > 0) i -= 1;
    chat.messages.splice(i, 0, m);
    list.insertBefore(renderMessage(m), list.children[i] || null);
    if (!isMine(m)) {
      fromOthers = true;
      clearTyping(chat, m.sender_id);
    }
    if (!newest || compareIds(m.id, newest.id) > 0) newest = m;
  }
  if (newest) {
    const conv = chat.conv;
    if (!conv.last_message || compareIds(newest.id, conv.last_message.id) > 0) {
      conv.last_message = newest;
      renderConversationList();
    }
    if (chat.messages.length) setHistoryStatus('');
  }
  renderReceipts(chat);
  if (stick || ownConfirmed) scrollToBottom();
  if (fromOthers && source === 'live') later(chat, () => sendRead(chat), 200);
}

function renderMessage(m) {
  const mine = isMine(m);
  return h('li', {
    class: mine ? 'msg mine' : 'msg theirs', 'data-testid': 'message', 'data-message-id': m.id,
    'data-sender-id': m.sender_id,
  },
  h('div', { class: 'msg-meta' },
    h('span', { class: 'msg-sender', 'data-testid': 'message-sender', text: mine ? 'You' : m.sender_name }),
    h('time', { datetime: m.created_at || null, text: formatTime(m.timestamp) })),
  h('p', { class: 'msg-content', 'data-testid': 'message-content', text: m.content }),
  h('p', { class: 'msg-receipt', 'data-testid': 'read-receipt', hidden: true }));
}

/** "Seen" under the newest of my messages that each other participant has read. */
function renderReceipts(chat) {
  const list = $('message-list');
  for (const el of list.querySelectorAll('.msg-receipt:not([hidden])')) setText(el, '');
  const readers = new Map(); // message index -> names
  for (const [userId, lastRead] of chat.reads) {
    for (let i = chat.messages.length - 1; i >= 0; i -= 1) {
      const m = chat.messages[i];
      if (isMine(m) && compareIds(m.id, lastRead) <= 0) {
        const p = (chat.conv.participants || []).find((u) => u.id === userId);
        readers.set(i, [...(readers.get(i) || []), p ? p.first_name || p.full_name : 'someone']);
        break;
      }
    }
  }
  for (const [i, names] of readers) {
    const receipt = list.children[i].querySelector('.msg-receipt');
    setText(receipt, chat.conv.is_group ? `Seen by ${names.join(', ')}` : 'Seen');
  }
}

export function onRead(chat, frame) {
  if (frame.user_id === state.me.id) return;
  const lastRead = frame.last_read_id || (chat.messages[chat.messages.length - 1] || {}).id;
  if (!lastRead) return;
  const previous = chat.reads.get(frame.user_id);
  if (!previous || compareIds(lastRead, previous) > 0) chat.reads.set(frame.user_id, lastRead);
  renderReceipts(chat);
}

/** Tells the others we have read up to the newest message (only when the page is visible). */
export function sendRead(chat) {
  if (document.visibilityState !== 'visible' || !chat.socket.isLive) return;
  const newest = chat.messages[chat.messages.length - 1];
  let newestTheirs = null;
  for (let i = chat.messages.length - 1; i >= 0 && !newestTheirs; i -= 1) if (!isMine(chat.messages[i])) newestTheirs = chat.messages[i];
  if (!newestTheirs || (chat.lastReadSent && compareIds(newestTheirs.id, chat.lastReadSent) <= 0)) return;
  if (chat.socket.send({ type: 'read', last_read_id: newest.id })) chat.lastReadSent = newest.id;
}
