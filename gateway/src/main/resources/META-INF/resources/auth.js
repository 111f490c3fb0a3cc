// The sign-in and registration screen, and the switches between it and the chat screen.

import { api, onUnauthorized, setRefreshToken } from './api.js';
import { $, setText } from './dom.js';
import { state } from './state.js';
import { loadConversations, startPolling, stopPolling, clearConversations } from './conversations.js';
import { resetNewConversation } from './search.js';
import { teardownChat } from './chat.js';
import { showNotice, setConnectionState } from './notices.js';

const REGISTER_FIELDS = ['first_name', 'last_name', 'email', 'password', 'password_confirm'];
const LOGIN_FIELDS = ['email', 'password'];

export function bindAuth() {
  bindForm($('login-form'), 'login', LOGIN_FIELDS, login);
  bindForm($('register-form'), 'register', REGISTER_FIELDS, register);
  $('show-register').addEventListener('click', () => switchAuthForm('register'));
  $('show-login').addEventListener('click', () => switchAuthForm('login'));
  $('logout-button').addEventListener('click', logout);
  onUnauthorized(expireSession);
}

/** Leaves the chat screen (dropping everything the session had) for the sign-in screen. */
export function showAuth(mode, notice = '') {
  teardownChat({ discardOutbox: true });
  stopPolling();
  state.me = null;
  clearConversations();
  resetNewConversation();
  $('boot-status').hidden = true;
  $('session').hidden = true;
  $('chat-view').hidden = true;
  $('auth-view').hidden = false;
  switchAuthForm(mode);
  showNotice(notice);
}

export function enterChat(user) {
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
