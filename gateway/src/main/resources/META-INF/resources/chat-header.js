// A conversation's title (in the list and above the open chat) and the open chat's presence line.

import { state } from './state.js';
import { $ } from './dom.js';

/** A 1-on-1 is titled with the other person's name; otherwise the server's display_name. */
export function titleOf(conv) {
  if (!conv.is_group && !conv.name && state.me) {
    const other = (conv.participants || []).find((u) => u.id !== state.me.id);
    if (other && other.full_name) return other.full_name;
  }
  return conv.display_name || conv.name || 'Conversation';
}

export function renderChatHeader(chat) {
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
