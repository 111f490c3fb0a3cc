// What the page tells the user outside the screens: the notice bar and the connection indicator.

import { $, setText } from './dom.js';

let noticeTimer = null;

export function showNotice(text, { sticky = false } = {}) {
  const el = $('app-notice');
  setText(el, text);
  clearTimeout(noticeTimer);
  if (text && !sticky) noticeTimer = setTimeout(() => setText(el, ''), 8000);
}

/** An ApiError as one line, with the contract's per-field `errors` when there are any. */
export function describe(err) {
  if (!err.errors) return err.message;
  const details = Object.entries(err.errors).map(([field, msgs]) => `${field}: ${[].concat(msgs).join(' ')}`);
  return `${err.message} (${details.join('; ')})`;
}

export function setConnectionState(socketState) {
  const el = $('connection-status');
  el.dataset.state = socketState;
  el.textContent = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Offline' }[socketState] || '';
}

export function setConnectionHint(text) {
  $('connection-status').title = text;
}
