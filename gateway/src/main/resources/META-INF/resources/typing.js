// Typing indicators: who else is typing in the open conversation, and telling the others when we are.

import { $ } from './dom.js';
import { state, later } from './state.js';

const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;
const TYPING_SHOWN_MS = 7000;

export function onTyping(chat, frame) {
  if (frame.user_id === state.me.id) return;
  clearTyping(chat, frame.user_id, false);
  if (frame.is_typing) {
    const timer = later(chat, () => clearTyping(chat, frame.user_id), TYPING_SHOWN_MS);
    chat.typing.set(frame.user_id, { name: frame.user_name || 'Someone', timer });
  }
  renderTyping(chat);
}

export function clearTyping(chat, userId, render = true) {
  const entry = chat.typing.get(userId);
  if (!entry) return;
  clearTimeout(entry.timer);
  chat.timers.delete(entry.timer);
  chat.typing.delete(userId);
  if (render) renderTyping(chat);
}

export function renderTyping(chat) {
  const names = [...chat.typing.values()].map((t) => t.name);
  const text = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : 'Several people are typing…';
  $('typing-indicator').textContent = text;
}

export function onComposerInput() {
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

export function stopTyping(chat) {
  clearTimeout(chat.typingIdle);
  if (chat.typingSent) {
    chat.socket.send({ type: 'typing', is_typing: false });
    chat.typingSent = false;
  }
}
