// chat-suite web client: plain ES modules, no framework, no build step.
// Untrusted text (names, emails, messages, server messages) only ever reaches the page through
// textContent / text nodes (see dom.js `h`), never through HTML parsing.

import { api, onUnauthorized, setRefreshToken } from './api.js';
import { ChatSocket } from './socket.js';
import { $, h, setText, compareIds, randomId, formatTime } from './dom.js';

const PAGE_SIZE = 30;
const POLL_MS = 5000;
const HISTORY_FALLBACK_MS = 2500;
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;
const TYPING_SHOWN_MS = 7000;
const RESEND_AFTER_MS = 10000;
const MAX_CONTENT = 5000;
const REGISTER_FIELDS = ['first_name', 'last_name', 'email', 'password', 'password_confirm'];
const LOGIN_FIELDS = ['email', 'password'];

const state = {
  me: null,
  conversations: new Map(), // id -> conversation object (docs/API.md#chat-service-apichat)
  convItems: new Map(), // id -> <li> in the list
  active: null, // the open conversation, see newChat()
  selected: new Map(), // group builder: user id -> user
  pollTimer: null,
  searchTimer: null,
  searchSeq: 0,
  noticeTimer: null,
};

const enc = encodeURIComponent;
const isMine = (m) => state.me && m.sender_id === state.me.id;

// ---------------------------------------------------------------- notices

function showNotice(text, { sticky = false } = {}) {
  const el = $('app-notice');
  setText(el, text);
  clearTimeout(state.noticeTimer);
  if (text && !sticky) state.noticeTimer = setTimeout(() => setText(el, ''), 8000);
}

function describe(err) {
  if (!err.errors) return err.message;
  const details = Object.entries(err.errors).map(([field, msgs]) => `${field}: ${[].concat(msgs).join(' ')}`);
  return `${err.message} (${details.join('; ')})`;
}

// ---------------------------------------------------------------- authentication

function showAuth(mode, notice = '') {
  teardownChat({ discardOutbox: true });
  stopPolling();
  state.me = null;
  state.conversations.clear();
  state.convItems.clear();
  state.selected.clear();
  $('conversation-list').replaceChildren();
  $('user-results').replaceChildren();
  $('user-search').value = '';
  renderGroupBuilder();
  $('boot-status').hidden = true;
  $('session').hidden = true;
  $('chat-view').hidden = true;
  $('auth-view').hidden = false;
  switchAuthForm(mode);
  showNotice(notice);
}

function switchAuthForm(mode) {
  $('login-form').hidden = mode !== 'login';
  $('register-form').hidden = mode !== 'register';
  clearErrors('login', LOGIN_FIELDS);
  clearErrors('register', REGISTER_FIELDS);
  const first = mode === 'login' ? $('login-email') : $('register-first_name');
  first.focus();
}

function clearErrors(prefix, fields) {
  for (const field of fields) {
    setText($(`${prefix}-${field}-error`), '');
    $(`${prefix}-${field}`).removeAttribute('aria-invalid');
  }
  setText($(`${prefix}-form-error`), '');
}

/** Shows the contract's `errors` object next to each field; anything else at the top of the form. */
function showErrors(prefix, fields, err) {
  const general = [];
  let firstInvalid = null;
  for (const [field, messages] of Object.entries(err.errors || {})) {
    const text = [].concat(messages).map(String).join(' ');
    if (fields.includes(field)) {
      setText($(`${prefix}-${field}-error`), text);
      $(`${prefix}-${field}`).setAttribute('aria-invalid', 'true');
      firstInvalid = firstInvalid || $(`${prefix}-${field}`);
    } else {
      general.push(text);
    }
  }
  if (!err.errors) general.push(err.message);
  else if (firstInvalid && !general.length) general.push('Please correct the highlighted fields.');
  setText($(`${prefix}-form-error`), general.join(' '));
  (firstInvalid || $(`${prefix}-form-error`)).focus?.();
}

function bindForm(form, prefix, fields, submit) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(prefix, fields);
    const values = Object.fromEntries(fields.map((f) => [f, form.elements[f].value]));
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      await submit(values);
      form.reset();
    } catch (err) {
      showErrors(prefix, fields, err);
    } finally {
      button.disabled = false;
    }
  });
}

async function login(values) {
  const env = await api.post('/api/users/login/', { email: values.email.trim(), password: values.password });
  const { tokens, ...user } = env.data;
  setRefreshToken(tokens && tokens.refresh_token);
  enterChat(user);
}

async function register(values) {
  const env = await api.post('/api/users/register/', { ...values, email: values.email.trim() });
  // Registration sets the cookie only (it lasts one access-token lifetime); logging in with the same
  // credentials adds a refresh token, so the new session lasts as long as one started by login.
  try {
    await login(values);
  } catch {
    setRefreshToken(null);
    enterChat(env.data);
  }
}

async function logout() {
  const button = $('logout-button');
  button.disabled = true;
  teardownChat({ discardOutbox: true });
  stopPolling();
  try {
    await api.post('/api/users/logout/');
  } catch { /* already logged out or unreachable: the local session ends anyway */ }
  setRefreshToken(null);
  button.disabled = false;
  showAuth('login', 'You have been logged out.');
}

function expireSession() {
  if (!state.me) return;
  setRefreshToken(null);
  showAuth('login', 'Your session has expired. Please sign in again.');
}

function enterChat(user) {
  state.me = user;
  $('boot-status').hidden = true;
  $('auth-view').hidden = true;
  $('chat-view').hidden = false;
  $('session').hidden = false;
  const me = $('current-user');
  me.textContent = user.full_name || user.email;
  me.title = user.email;
  me.dataset.userId = user.id;
  showNotice('');
  setConnectionState('idle');
  $('chat-panel').hidden = true;
  $('chat-placeholder').hidden = false;
  loadConversations();
  startPolling();
  $('user-search').focus();
}

// ---------------------------------------------------------------- conversations

/** A 1-on-1 is titled with the other person's name; otherwise the server's display_name. */
function titleOf(conv) {
  if (!conv.is_group && !conv.name && state.me) {
    const other = (conv.participants || []).find((u) => u.id !== state.me.id);
    if (other && other.full_name) return other.full_name;
  }
  return conv.display_name || conv.name || 'Conversation';
}

function activity(conv) {
  if (conv.last_message && typeof conv.last_message.timestamp === 'number') return conv.last_message.timestamp * 1000;
  return Date.parse(conv.updated_at || conv.created_at) || 0;
}

async function loadConversations() {
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
    return;
  }
  setConnectionHint('');
}

function upsertConversation(conv) {
  state.conversations.set(conv.id, conv);
  renderConversationList();
}

function startPolling() {
  stopPolling();
  const tick = async () => {
    if (!state.me) return;
    await loadConversations();
    if (state.me) state.pollTimer = setTimeout(tick, document.visibilityState === 'visible' ? POLL_MS : POLL_MS * 6);
  };
  state.pollTimer = setTimeout(tick, POLL_MS);
}

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = null;
}

function renderConversationList() {
  const list = $('conversation-list');
  const sorted = [...state.conversations.values()].sort((a, b) => activity(b) - activity(a));
  sorted.forEach((conv, index) => {
    let li = state.convItems.get(conv.id);
    if (!li) {
      li = buildConversationItem(conv.id);
      state.convItems.set(conv.id, li);
    }
    updateConversationItem(li, conv);
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
  });
  for (const [id, li] of state.convItems) {
    if (!state.conversations.has(id)) {
      li.remove();
      state.convItems.delete(id);
    }
  }
  $('conversation-empty').hidden = sorted.length > 0;
}

function buildConversationItem(id) {
  const parts = {
    name: h('span', { class: 'conv-name', 'data-testid': 'conversation-name' }),
    time: h('time', { class: 'conv-time' }),
    last: h('span', { class: 'conv-last', 'data-testid': 'last-message' }),
    badge: h('span', { class: 'badge', 'data-testid': 'unread-badge', hidden: true }),
  };
  parts.button = h('button', {
    type: 'button', class: 'conv', 'data-testid': 'conversation-item', 'data-conversation-id': id,
    onclick: () => openConversation(id),
  }, h('span', { class: 'conv-top' }, parts.name, parts.time), h('span', { class: 'conv-bottom' }, parts.last, parts.badge));
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

// ---------------------------------------------------------------- people search and new conversations

async function runSearch() {
  const q = $('user-search').value.trim();
  const seq = ++state.searchSeq;
  const results = $('user-results');
  if (!q) {
    results.replaceChildren();
    return;
  }
  try {
    const env = await api.get(`/api/users/list/?q=${enc(q)}&limit=20`);
    if (seq !== state.searchSeq) return;
    const users = env.data || [];
    results.replaceChildren(...(users.length ? users.map(renderUserResult)
      : [h('li', { class: 'muted', 'data-testid': 'user-results-empty', text: 'No people found.' })]));
  } catch (err) {
    if (seq === state.searchSeq) results.replaceChildren(h('li', { class: 'muted', text: err.message }));
  }
}

function renderUserResult(user) {
  const boxId = `select-user-${user.id}`;
  const box = h('input', { type: 'checkbox', id: boxId, 'data-testid': 'user-select', checked: state.selected.has(user.id) });
  box.addEventListener('change', () => {
    if (box.checked) state.selected.set(user.id, user);
    else state.selected.delete(user.id);
    renderGroupBuilder();
  });
  return h('li', { class: 'user', 'data-testid': 'user-result', 'data-user-id': user.id },
    h('span', { class: 'user-id' },
      h('span', { class: 'user-name', 'data-testid': 'user-name', text: user.full_name }),
      h('span', { class: 'user-email muted', text: user.email })),
    h('span', { class: 'user-actions' },
      h('label', { class: 'check', for: boxId, title: 'Add to a group' }, box, h('span', { text: 'Group' })),
      h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': 'user-chat',
        'aria-label': `Message ${user.full_name}`, onclick: () => startDirect(user), text: 'Message',
      })));
}

function renderGroupBuilder() {
  const names = [...state.selected.values()].map((u) => u.full_name);
  $('group-builder').hidden = names.length === 0;
  $('group-selected').textContent = names.length < 2
    ? `Selected: ${names.join(', ')} (pick at least 2 people for a group)`
    : `Selected: ${names.join(', ')}`;
  $('create-group').disabled = names.length < 2;
}

function resetNewConversation() {
  state.selected.clear();
  $('user-search').value = '';
  $('group-name').value = '';
  $('user-results').replaceChildren();
  renderGroupBuilder();
}

async function startDirect(user) {
  try {
    const env = await api.post('/api/chat/conversations/', { participant_ids: [user.id] });
    upsertConversation(env.data);
    resetNewConversation();
    openConversation(env.data.id);
  } catch (err) {
    showNotice(`Could not start the conversation: ${describe(err)}`);
  }
}

async function createGroup() {
  const body = { participant_ids: [...state.selected.keys()] };
  const name = $('group-name').value.trim();
  if (name) body.name = name;
  $('create-group').disabled = true;
  try {
    const env = await api.post('/api/chat/conversations/', body);
    upsertConversation(env.data);
    resetNewConversation();
    openConversation(env.data.id);
  } catch (err) {
    showNotice(`Could not create the group: ${describe(err)}`);
    renderGroupBuilder();
  }
}

// ---------------------------------------------------------------- the open conversation

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

function later(chat, fn, ms) {
  const t = setTimeout(() => {
    chat.timers.delete(t);
    if (state.active === chat) fn();
  }, ms);
  chat.timers.add(t);
  return t;
}

function openConversation(id) {
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
  chat.resendTimer = setInterval(() => flushOutbox(chat, false), 4000);
  $('message-input').focus();
}

function teardownChat({ discardOutbox = false } = {}) {
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

/** Messages still unconfirmed when the user leaves a conversation are posted over REST (same client_id). */
function deliverViaRest(conversationId, item, attempt) {
  api.post(`/api/chat/conversations/${enc(conversationId)}/messages/`, { content: item.content, client_id: item.clientId })
    .then(() => loadConversations())
    .catch((err) => {
      const transient = err.status === 0 || err.status === 429 || err.status >= 500;
      if (transient && attempt < 6 && state.me) setTimeout(() => deliverViaRest(conversationId, item, attempt + 1), 1000 * 2 ** attempt);
      else if (state.me) showNotice(`A message could not be sent: ${describe(err)}`);
    });
}

async function checkAccess(chat) {
  try {
    await api.get(`/api/chat/conversations/${enc(chat.id)}/`);
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

function setConnectionState(socketState) {
  const el = $('connection-status');
  el.dataset.state = socketState;
  el.textContent = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Offline' }[socketState] || '';
}

function setConnectionHint(text) {
  $('connection-status').title = text;
}

function setHistoryStatus(text) {
  setText($('history-status'), text);
}

/** Reads the newest page. `replace` (after resync_required) or a gap drops what was shown. */
async function loadLatest(chat, replace = false) {
  if (chat.loadingLatest) {
    chat.latestAgain = replace ? 'replace' : chat.latestAgain || 'merge';
    return;
  }
  chat.loadingLatest = true;
  try {
    const env = await api.get(`/api/chat/conversations/${enc(chat.id)}/messages/?limit=${PAGE_SIZE}`);
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

async function loadOlder(chat) {
  if (!chat.hasMore || chat.loadingOlder || !chat.messages.length || Date.now() < chat.olderBlockedUntil) return;
  chat.loadingOlder = true;
  renderOlderButton(chat);
  try {
    const oldest = chat.messages[0].id;
    const env = await api.get(`/api/chat/conversations/${enc(chat.id)}/messages/?before=${enc(oldest)}&limit=${PAGE_SIZE}`);
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

function renderOlderButton(chat) {
  const button = $('load-older');
  button.hidden = !(chat.hasMore && chat.messages.length);
  button.disabled = chat.loadingOlder;
  button.textContent = chat.loadingOlder ? 'Loading…' : 'Load older messages';
}

function isNearBottom() {
  const s = $('scroller');
  return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

function scrollToBottom() {
  const s = $('scroller');
  s.scrollTop = s.scrollHeight;
}

/** Adds messages in id order, each id once; confirms own pending messages by client_id. */
function receiveMessages(chat, messages, source) {
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

function onRead(chat, frame) {
  if (frame.user_id === state.me.id) return;
  const lastRead = frame.last_read_id || (chat.messages[chat.messages.length - 1] || {}).id;
  if (!lastRead) return;
  const previous = chat.reads.get(frame.user_id);
  if (!previous || compareIds(lastRead, previous) > 0) chat.reads.set(frame.user_id, lastRead);
  renderReceipts(chat);
}

/** Tells the others we have read up to the newest message (only when the page is visible). */
function sendRead(chat) {
  if (document.visibilityState !== 'visible' || !chat.socket.isLive) return;
  const newest = chat.messages[chat.messages.length - 1];
  let newestTheirs = null;
  for (let i = chat.messages.length - 1; i >= 0 && !newestTheirs; i -= 1) if (!isMine(chat.messages[i])) newestTheirs = chat.messages[i];
  if (!newestTheirs || (chat.lastReadSent && compareIds(newestTheirs.id, chat.lastReadSent) <= 0)) return;
  if (chat.socket.send({ type: 'read', last_read_id: newest.id })) chat.lastReadSent = newest.id;
}

function renderChatHeader(chat) {
  const conv = chat.conv;
  $('chat-title').textContent = titleOf(conv);
  const others = (conv.participants || []).filter((u) => u.id !== state.me.id);
  const presence = $('chat-presence');
  if (!conv.is_group && others.length === 1) {
    const online = chat.online.has(others[0].id);
    presence.textContent = online ? 'Online' : 'Offline';
    presence.dataset.online = String(online);
  } else {
    const online = others.filter((u) => chat.online.has(u.id)).length;
    presence.textContent = `${others.length + 1} members: ${others.map((u) => u.first_name || u.full_name).join(', ')} and you · ${online} online`;
    presence.dataset.online = String(online > 0);
  }
}

// ---------------------------------------------------------------- typing

function onTyping(chat, frame) {
  if (frame.user_id === state.me.id) return;
  clearTyping(chat, frame.user_id, false);
  if (frame.is_typing) {
    const timer = later(chat, () => clearTyping(chat, frame.user_id), TYPING_SHOWN_MS);
    chat.typing.set(frame.user_id, { name: frame.user_name || 'Someone', timer });
  }
  renderTyping(chat);
}

function clearTyping(chat, userId, render = true) {
  const entry = chat.typing.get(userId);
  if (!entry) return;
  clearTimeout(entry.timer);
  chat.timers.delete(entry.timer);
  chat.typing.delete(userId);
  if (render) renderTyping(chat);
}

function renderTyping(chat) {
  const names = [...chat.typing.values()].map((t) => t.name);
  const text = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : 'Several people are typing…';
  $('typing-indicator').textContent = text;
}

function onComposerInput() {
  const chat = state.active;
  if (!chat) return;
  if (!$('message-input').value.trim()) {
    stopTyping(chat);
    return;
  }
  const now = Date.now();
  if (!chat.typingSent || now - chat.typingSentAt > TYPING_REFRESH_MS) {
    if (chat.socket.send({ type: 'typing', is_typing: true })) {
      chat.typingSent = true;
      chat.typingSentAt = now;
    }
  }
  clearTimeout(chat.typingIdle);
  chat.typingIdle = setTimeout(() => stopTyping(chat), TYPING_IDLE_MS);
}

function stopTyping(chat) {
  clearTimeout(chat.typingIdle);
  if (chat.typingSent) {
    chat.socket.send({ type: 'typing', is_typing: false });
    chat.typingSent = false;
  }
}

// ---------------------------------------------------------------- sending

function sendFromComposer() {
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

function flushOutbox(chat, force) {
  if (state.active !== chat) return;
  const now = Date.now();
  for (const item of chat.outbox.values()) {
    if (force || !item.sentAt || now - item.sentAt > RESEND_AFTER_MS) trySend(chat, item);
  }
}

function renderPendingStatus(chat, item) {
  item.status.textContent = chat.socket.isLive ? 'Sending…' : 'Waiting for the connection…';
}

// ---------------------------------------------------------------- wiring

function bind() {
  bindForm($('login-form'), 'login', LOGIN_FIELDS, login);
  bindForm($('register-form'), 'register', REGISTER_FIELDS, register);
  $('show-register').addEventListener('click', () => switchAuthForm('register'));
  $('show-login').addEventListener('click', () => switchAuthForm('login'));
  $('logout-button').addEventListener('click', logout);
  $('user-search').addEventListener('input', () => {
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(runSearch, 250);
  });
  $('create-group').addEventListener('click', createGroup);
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
  onUnauthorized(expireSession);
}

async function boot() {
  bind();
  try {
    const env = await api.get('/api/users/profile/');
    enterChat(env.data);
  } catch (err) {
    showAuth('login', err.status === 401 ? '' : `Could not reach the server: ${err.message}`);
  }
}

boot();
