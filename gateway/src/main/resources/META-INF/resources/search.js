// "New conversation" in the sidebar: search people, message one of them, or pick several for a group.

import { api } from './api.js';
import { $, h } from './dom.js';
import { upsertConversation } from './conversations.js';
import { openConversation } from './chat.js';
import { showNotice, describe } from './notices.js';

const selected = new Map(); // group builder: user id -> user
let searchTimer = null;
let searchSeq = 0; // only the newest search's answer is shown

export function bindSearch() {
  $('user-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 250);
  });
  $('create-group').addEventListener('click', createGroup);
}

/** Empties the search, its results and the group selection. */
export function resetNewConversation() {
  selected.clear();
  $('user-search').value = '';
  $('group-name').value = '';
  $('user-results').replaceChildren();
  renderGroupBuilder();
}

async function runSearch() {
  const q = $('user-search').value.trim();
  const seq = ++searchSeq;
  const results = $('user-results');
  if (!q) {
    results.replaceChildren();
    return;
  }
  try {
    const env = await api.get(`/api/users/list/?q=${encodeURIComponent(q)}&limit=20`);
    if (seq !== searchSeq) return;
    const users = env.data || [];
    results.replaceChildren(...(users.length ? users.map(renderUserResult)
      : [h('li', { class: 'muted', 'data-testid': 'user-results-empty', text: 'No people found.' })]));
  } catch (err) {
    if (seq === searchSeq) results.replaceChildren(h('li', { class: 'muted', text: err.message }));
  }
}

function renderUserResult(user) {
  const boxId = `select-user-${user.id}`;
  const box = h('input', { type: 'checkbox', id: boxId, 'data-testid': 'user-select', checked: selected.has(user.id) });
  box.addEventListener('change', () => {
    if (box.checked) selected.set(user.id, user);
    else selected.delete(user.id);
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
  const names = [...selected.values()].map((u) => u.full_name);
  $('group-builder').hidden = names.length === 0;
  $('group-selected').textContent = names.length < 2
    ? `Selected: ${names.join(', ')} (pick at least 2 people for a group)`
    : `Selected: ${names.join(', ')}`;
  $('create-group').disabled = names.length < 2;
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
  const body = { participant_ids: [...selected.keys()] };
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
