// The conversation list in the sidebar: loaded on sign-in, refreshed by polling, newest activity first.

import { api } from './api.js';
import { $, h, compareIds, formatTime } from './dom.js';
import { state, isMine } from './state.js';
import { titleOf, renderChatHeader } from './chat-header.js';
import { setConnectionHint } from './notices.js';

const POLL_MS = 5000;

const items = new Map(); // conversation id -> <li> in the list
let pollTimer = null;

function activity(conv) {
  if (conv.last_message && typeof conv.last_message.timestamp === 'number') return conv.last_message.timestamp * 1000;
  return Date.parse(conv.updated_at || conv.created_at) || 0;
}

export async function loadConversations() {
  try {
    const env = await api.get('/api/chat/conversations/?limit=100');
    if (!state.me) return;
    const fresh = new Map();
    for (const conv of env.data || []) {
      const old = state.conversations.get(conv.id);
      if (state.active && state.active.id === conv.id) {
        conv.unread_count = 0; // everything in the open conversation is read live
        if (old && old.last_message && (!conv.last_message || compareIds(old.last_message.id, conv.last_message.id) > 0)) {
          conv.last_message = old.last_message;
        }
        state.active.conv = conv;
        renderChatHeader(state.active);
      }
      fresh.set(conv.id, conv);
    }
    state.conversations = fresh;
    renderConversationList();
  } catch (err) {
    if (err.status !== 401) setConnectionHint(`Could not refresh conversations: ${err.message}`);
  }
}

export function upsertConversation(conv) {
  state.conversations.set(conv.id, conv);
  renderConversationList();
}

export function startPolling() {
  stopPolling();
  const tick = async () => {
    if (!state.me) return;
    await loadConversations();
    if (state.me) pollTimer = setTimeout(tick, document.visibilityState === 'visible' ? POLL_MS : POLL_MS * 6);
  };
  pollTimer = setTimeout(tick, POLL_MS);
}

export function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
}

/** Empties the list (signing out). */
export function clearConversations() {
  state.conversations.clear();
  items.clear();
  $('conversation-list').replaceChildren();
}

export function renderConversationList() {
  const list = $('conversation-list');
  const sorted = [...state.conversations.values()].sort((a, b) => activity(b) - activity(a));
  sorted.forEach((conv, index) => {
    let li = items.get(conv.id);
    if (!li) {
      li = buildConversationItem(conv.id);
      items.set(conv.id, li);
    }
    updateConversationItem(li, conv);
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
  });
  for (const [id, li] of items) {
    if (!state.conversations.has(id)) {
      li.remove();
      items.delete(id);
    }
  }
  $('conversation-empty').hidden = sorted.length > 0;
}

// Clicking an item opens the conversation: chat.js listens on the list for clicks on data-conversation-id.
function buildConversationItem(id) {
  const parts = {
    name: h('span', { class: 'conv-name', 'data-testid': 'conversation-name' }),
    time: h('time', { class: 'conv-time' }),
    last: h('span', { class: 'conv-last', 'data-testid': 'last-message' }),
    badge: h('span', { class: 'badge', 'data-testid': 'unread-badge', hidden: true }),
  };
  parts.button = h('button', { type: 'button', class: 'conv', 'data-testid': 'conversation-item', 'data-conversation-id': id },
    h('span', { class: 'conv-top' }, parts.name, parts.time), h('span', { class: 'conv-bottom' }, parts.last, parts.badge));
  const li = h('li', {}, parts.button);
  li.parts = parts;
  return li;
}

function updateConversationItem(li, conv) {
  const { name, time, last, badge, button } = li.parts;
  name.textContent = titleOf(conv);
  const m = conv.last_message;
  if (m) {
    const who = isMine(m) ? 'You' : (m.sender_name || '').split(' ')[0];
    last.textContent = `${who}: ${m.content}`;
    time.textContent = formatTime(m.timestamp);
  } else {
    last.textContent = conv.is_group ? 'Group created' : 'No messages yet';
    time.textContent = '';
  }
  const unread = state.active && state.active.id === conv.id ? 0 : conv.unread_count || 0;
  badge.textContent = unread > 99 ? '99+' : String(unread);
  badge.hidden = unread === 0;
  badge.setAttribute('aria-label', `${unread} unread`);
  button.dataset.unread = String(unread);
  button.classList.toggle('has-unread', unread > 0);
  if (state.active && state.active.id === conv.id) button.setAttribute('aria-current', 'true');
  else button.removeAttribute('aria-current');
}
