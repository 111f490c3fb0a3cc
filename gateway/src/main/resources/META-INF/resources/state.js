// The state the screens share, in one place. Each screen module keeps its own private details
// (timers, the list's DOM items, the group selection) and reads or changes only these.

export const state = {
  me: null, // the signed-in user (docs/API.md#user-service-apiusers), null on the sign-in screen
  conversations: new Map(), // id -> conversation object (docs/API.md#chat-service-apichat)
  active: null, // the open conversation, see chat.js newChat()
};

export const isMine = (m) => state.me && m.sender_id === state.me.id;

/** A timer of the open conversation: cancelled when it closes, and skipped if another one opened. */
export function later(chat, fn, ms) {
  const t = setTimeout(() => {
    chat.timers.delete(t);
    if (state.active === chat) fn();
  }, ms);
  chat.timers.add(t);
  return t;
}
