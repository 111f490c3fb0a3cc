// Browser end-to-end test of the chat-suite web client, driving Debian's Chromium with playwright-core.
//
//   CHATSUITE_URL=http://127.0.0.1:18080 \
//   CHATSUITE_CHAT_PID_FILE=/path/to/data/run/chat-service.pid \
//   CHATSUITE_SCREENSHOT_DIR=/tmp/screens \
//   node chat.test.mjs
//
// (after `npm ci` in this folder, against a suite started with ./run.sh). Two fresh users register
// through the UI in two browser contexts and chat; chat-service is killed mid-conversation (SIGTERM
// to the pid in CHATSUITE_CHAT_PID_FILE, which the launcher restarts; with several replicas, list
// every pid file separated by commas) and the clients must reconnect on their own and show every
// message exactly once, in order.
//
// Optional: CHROMIUM_PATH (default /usr/bin/chromium; never a downloaded browser),
// CHATSUITE_E2E_TIMEOUT_MS (overall limit, default 240000).
// Exit code 0 on success; on failure the failing step and the reason are printed, screenshots of
// both pages are written as failure-*.png, and the code is 1 (2 on the overall timeout).

import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.CHATSUITE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const SHOTS = path.resolve(process.env.CHATSUITE_SCREENSHOT_DIR || 'screenshots');
// One pid file, or several separated by commas (every chat-service replica: all are killed).
const PID_FILES = (process.env.CHATSUITE_CHAT_PID_FILE || '').split(',').map((f) => f.trim()).filter(Boolean);
const OVERALL_TIMEOUT_MS = Number(process.env.CHATSUITE_E2E_TIMEOUT_MS || 240_000);
const STEP_TIMEOUT_MS = 20_000;
const RESTART_TIMEOUT_MS = 60_000;
const BULK = 40; // more than one page (the client reads 30 at a time)
const PASSWORD = 'correct-horse-42';
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const users = {
  alice: { first_name: 'Alice', last_name: 'Tester', email: `alice.${RUN}@example.com` },
  bob: { first_name: 'Bob', last_name: 'Tester', email: `bob.${RUN}@example.com` },
  carol: { first_name: 'Carol', last_name: 'Tester', email: `carol.${RUN}@example.com` },
};
for (const u of Object.values(users)) u.full_name = `${u.first_name} ${u.last_name}`;

const overall = setTimeout(() => {
  console.error(`FAIL: the test did not finish within ${OVERALL_TIMEOUT_MS / 1000} s (overall timeout)`);
  process.exit(2);
}, OVERALL_TIMEOUT_MS);

let browser;
const pages = [];
const problems = []; // page errors, CSP violations, dialogs: checked at the end
const scripts = new Map(); // URL -> Content-Type of every script a page loaded
let currentStep = 'start';

async function step(name, fn) {
  currentStep = name;
  const started = Date.now();
  await fn();
  console.log(`ok  ${name} (${Date.now() - started} ms)`);
}

function exact(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

async function waitUntil(description, predicate, timeoutMs = STEP_TIMEOUT_MS, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await predicate();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${last instanceof Error ? `: ${last.message}` : ''}`);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name) });
}

async function newUserPage(label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on('pageerror', (err) => problems.push(`${label}: uncaught page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(msg.text())) {
      problems.push(`${label}: CSP violation: ${msg.text()}`);
    }
  });
  // The client is a graph of ES modules loaded without a build step: each must arrive whole and as
  // JavaScript (browsers refuse a module script of any other type, and the gateway sends nosniff).
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'script') return;
    const type = res.headers()['content-type'] || '';
    if (res.status() !== 200 && res.status() !== 304) problems.push(`${label}: ${res.url()} answered ${res.status()}`);
    else if (res.status() === 200 && !/^(text|application)\/javascript\b/.test(type)) problems.push(`${label}: ${res.url()} served as "${type}"`);
    if (res.status() === 200) scripts.set(res.url().replace(BASE, ''), type);
  });
  page.on('dialog', async (dialog) => {
    problems.push(`${label}: a dialog opened (${dialog.type()}: ${dialog.message()}) — injected script ran`);
    await dialog.dismiss().catch(() => {});
  });
  pages.push({ page, label });
  await page.goto(`${BASE}/`);
  return { context, page, label };
}

async function register(page, user) {
  await page.getByTestId('login-form').waitFor();
  await page.getByTestId('show-register').click();
  for (const field of ['first_name', 'last_name', 'email']) await page.getByTestId(`register-${field}`).fill(user[field]);
  await page.getByTestId('register-password').fill(PASSWORD);
  await page.getByTestId('register-password_confirm').fill(PASSWORD);
  await page.getByTestId('register-submit').click();
  await page.getByTestId('chat-view').waitFor();
  await page.getByTestId('current-user').filter({ hasText: exact(user.full_name) }).waitFor();
}

const messageContents = (page) => page.$$eval('[data-testid="message-list"] [data-testid="message"]',
  (els) => els.map((el) => el.querySelector('[data-testid="message-content"]').textContent));
const messageIds = (page) => page.$$eval('[data-testid="message-list"] [data-testid="message"]',
  (els) => els.map((el) => el.dataset.messageId));

function messageLocator(page, text) {
  return page.getByTestId('message-list').getByTestId('message-content').filter({ hasText: exact(text) });
}

async function sendViaUi(page, text) {
  const input = page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
}

async function openConversation(page, name) {
  const item = page.getByTestId('conversation-item').filter({ has: page.getByTestId('conversation-name').filter({ hasText: exact(name) }) });
  await item.click();
  await page.getByTestId('chat-title').filter({ hasText: exact(name) }).waitFor();
  await page.locator('[data-testid="connection-status"][data-state="open"]').waitFor();
}

async function activeConversationId(page) {
  return page.locator('[data-testid="conversation-item"][aria-current="true"]').getAttribute('data-conversation-id');
}

async function searchAndPick(page, query, fullName) {
  await page.getByTestId('user-search').fill(query);
  const result = page.getByTestId('user-result').filter({ has: page.getByTestId('user-name').filter({ hasText: exact(fullName) }) });
  await result.waitFor();
  assert.equal(await page.getByTestId('user-result').count(), 1, `search "${query}" should find exactly ${fullName}`);
  return result;
}

function compareIds(a, b) {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? (as < bs ? -1 : as > bs ? 1 : 0) : am < bm ? -1 : 1;
}

function assertStrictlyOrdered(ids, who) {
  assert.equal(new Set(ids).size, ids.length, `${who}: a message is shown more than once`);
  for (let i = 1; i < ids.length; i += 1) {
    if (/^\d+-\d+$/.test(ids[i]) && /^\d+-\d+$/.test(ids[i - 1])) {
      assert.ok(compareIds(ids[i - 1], ids[i]) < 0, `${who}: messages out of order at ${i}: ${ids[i - 1]} then ${ids[i]}`);
    }
  }
}

async function readPid(file) {
  const text = (await readFile(file, 'utf8')).trim();
  const pid = Number(text);
  assert.ok(Number.isInteger(pid) && pid > 1, `${file} does not hold a process id: "${text}"`);
  return pid;
}

async function main() {
  assert.ok(PID_FILES.length, 'CHATSUITE_CHAT_PID_FILE must name the file holding the chat-service process id');
  for (const file of PID_FILES) await readPid(file);
  await mkdir(SHOTS, { recursive: true });
  console.log(`chat-suite browser test against ${BASE} (run ${RUN}), screenshots in ${SHOTS}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  const A = await newUserPage('alice');
  const B = await newUserPage('bob');
  const a = A.page;
  const b = B.page;

  await step('the client\'s modules arrive as JavaScript', async () => {
    await a.getByTestId('login-form').waitFor();
    assert.ok(scripts.has('/app.js') && scripts.size > 1, `app.js and the modules it imports: ${[...scripts.keys()]}`);
    console.log(`    ${scripts.size} modules (${[...scripts.keys()].join(' ')}) as ${[...new Set(scripts.values())].join(', ')}`);
  });

  await step('registration shows each validation error next to its field', async () => {
    await a.getByTestId('login-form').waitFor();
    await a.getByTestId('show-register').click();
    await a.getByTestId('register-first_name').fill('1');
    await a.getByTestId('register-last_name').fill('');
    await a.getByTestId('register-email').fill('not-an-email');
    await a.getByTestId('register-password').fill('1234');
    await a.getByTestId('register-password_confirm').fill('5678');
    await a.getByTestId('register-submit').click();
    for (const field of ['first_name', 'last_name', 'email', 'password', 'password_confirm']) {
      const error = a.getByTestId(`register-${field}-error`);
      await error.waitFor();
      assert.ok((await error.textContent()).trim().length > 0, `no error text shown for ${field}`);
      assert.equal(await a.getByTestId(`register-${field}`).getAttribute('aria-invalid'), 'true', `${field} not marked invalid`);
    }
    assert.match(await a.getByTestId('register-password_confirm-error').textContent(), /match/i);
    assert.ok(await a.getByTestId('chat-view').isHidden(), 'an invalid registration must not log in');
    await shot(a, '01-register-validation-errors.png');
  });

  await step('two fresh users register through the UI', async () => {
    await a.getByTestId('show-login').click();
    await register(a, users.alice);
    await register(b, users.bob);
    // A third user, registered over the API, to make a group with.
    const res = await fetch(`${BASE}/api/users/register/`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...users.carol, full_name: undefined, password: PASSWORD, password_confirm: PASSWORD }),
    });
    assert.equal(res.status, 201, `registering Carol over the API: HTTP ${res.status} ${await res.text()}`);
  });

  await step('A finds B and opens a 1-on-1; both see it', async () => {
    const result = await searchAndPick(a, `bob.${RUN}`, users.bob.full_name);
    await result.getByTestId('user-chat').click();
    await a.getByTestId('chat-title').filter({ hasText: exact(users.bob.full_name) }).waitFor();
    await a.locator('[data-testid="connection-status"][data-state="open"]').waitFor();
    await a.getByTestId('history-status').filter({ hasText: /No messages yet/ }).waitFor();
    // B's list is refreshed in the background.
    await openConversation(b, users.alice.full_name);
    assert.equal(await activeConversationId(a), await activeConversationId(b), 'A and B opened different conversations');
    await a.locator('[data-testid="chat-presence"][data-online="true"]').waitFor();
    assert.equal(await a.getByTestId('chat-presence').textContent(), 'Online');
    await b.locator('[data-testid="chat-presence"][data-online="true"]').waitFor();
  });

  const direct = await activeConversationId(a);
  const expected = []; // the 1-on-1's messages in the order they were sent (one sender at a time)

  await step('messages are exchanged live', async () => {
    for (const [page, other, text] of [[a, b, 'Héllo Bob — ça va?'], [b, a, 'Hi Alice, good to see you.'], [a, b, 'Shall we test the\nmulti-line case?']]) {
      await sendViaUi(page, text);
      await messageLocator(other, text).waitFor();
      await messageLocator(page, text).waitFor();
      expected.push(text);
    }
    assert.deepEqual(await messageContents(a), expected);
    assert.deepEqual(await messageContents(b), expected);
    assert.equal(await a.getByTestId('pending-message').count(), 0, 'A still has unconfirmed messages');
  });

  await step('B sees A typing', async () => {
    const input = a.getByTestId('message-input');
    await input.click();
    await input.pressSequentially('I am typing something', { delay: 15 });
    await b.getByTestId('typing-indicator').filter({ hasText: `${users.alice.full_name} is typing` }).waitFor();
    assert.equal((await a.getByTestId('typing-indicator').textContent()).trim(), '', 'A must not see its own typing');
    await shot(b, '03-chat-typing-indicator.png');
    await input.press('Enter');
    expected.push('I am typing something');
    await messageLocator(b, 'I am typing something').waitFor();
    // The message itself ends the indicator.
    await waitUntil('the typing indicator to clear', async () => (await b.getByTestId('typing-indicator').textContent()).trim() === '');
  });

  await step('A sees B\'s read receipt', async () => {
    const lastOwn = a.locator('[data-testid="message-list"] [data-testid="message"].mine').last();
    assert.equal(await lastOwn.getByTestId('message-content').textContent(), 'I am typing something');
    await lastOwn.getByTestId('read-receipt').filter({ hasText: 'Seen' }).waitFor();
    // Only the newest read message of A's carries the receipt.
    assert.equal(await a.locator('[data-testid="read-receipt"]:not([hidden])').count(), 1);
    await shot(a, '04-chat-read-receipt.png');
  });

  await step('B creates a group; A gets an unread badge for it', async () => {
    await searchAndPick(b, `carol.${RUN}`, users.carol.full_name).then((r) => r.getByTestId('user-select').check());
    await searchAndPick(b, `alice.${RUN}`, users.alice.full_name).then((r) => r.getByTestId('user-select').check());
    await b.getByTestId('group-selected').filter({ hasText: users.carol.full_name }).waitFor();
    await b.getByTestId('group-name').fill('Project Blue');
    await b.getByTestId('create-group').click();
    await b.getByTestId('chat-title').filter({ hasText: exact('Project Blue') }).waitFor();
    await b.locator('[data-testid="connection-status"][data-state="open"]').waitFor();
    await sendViaUi(b, 'Welcome to the group');
    await messageLocator(b, 'Welcome to the group').waitFor();
    // A still has the 1-on-1 open; the group appears in the list with one unread message.
    const group = a.getByTestId('conversation-item').filter({ has: a.getByTestId('conversation-name').filter({ hasText: exact('Project Blue') }) });
    await group.getByTestId('unread-badge').filter({ hasText: exact('1') }).waitFor();
    assert.equal(await group.getByTestId('last-message').textContent(), 'Bob: Welcome to the group');
    const directItem = a.locator(`[data-testid="conversation-item"][data-conversation-id="${direct}"]`);
    assert.ok(await directItem.getByTestId('unread-badge').isHidden(), 'the open conversation must show no unread badge');
    await shot(a, '02-conversation-list-unread-badge.png');
    await openConversation(a, 'Project Blue');
    await messageLocator(a, 'Welcome to the group').waitFor();
    assert.ok(await group.getByTestId('unread-badge').isHidden(), 'the badge must go once the conversation is open');
    assert.match(await a.getByTestId('chat-presence').textContent(), /3 members/);
  });

  await step(`history pages upward after ${BULK} more messages`, async () => {
    await a.evaluate(async ({ id, count }) => {
      for (let i = 1; i <= count; i += 1) {
        const res = await fetch(`/api/chat/conversations/${id}/messages/`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ content: `bulk ${String(i).padStart(2, '0')}`, client_id: `bulk-${i}-${Date.now()}` }),
        });
        if (res.status !== 201) throw new Error(`bulk message ${i}: HTTP ${res.status} ${await res.text()}`);
      }
    }, { id: direct, count: BULK });
    for (let i = 1; i <= BULK; i += 1) expected.push(`bulk ${String(i).padStart(2, '0')}`);
    // B has the group open, so the 1-on-1 shows up unread for B.
    await b.locator(`[data-testid="conversation-item"][data-conversation-id="${direct}"] [data-testid="unread-badge"]`)
      .filter({ hasText: exact(String(BULK)) }).waitFor();
    await openConversation(a, users.bob.full_name);
    await messageLocator(a, `bulk ${BULK}`).waitFor();
    const firstPage = await messageContents(a);
    assert.ok(firstPage.length < expected.length, `expected a partial first page, got all ${firstPage.length}`);
    assert.deepEqual(firstPage, expected.slice(expected.length - firstPage.length), 'first page is not the newest messages in order');
    await a.getByTestId('load-older').waitFor();
    const view = await a.getByTestId('message-scroller').evaluate((el) => ({ top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight }));
    assert.ok(view.height > view.client, 'the message list does not scroll inside its pane');
    assert.ok(view.height - view.top - view.client < 5, 'a freshly opened conversation is not scrolled to the newest message');
    assert.ok(await a.getByTestId('message-input').isVisible(), 'the composer was pushed out of view');
    // Scrolling to the top loads the older page.
    await a.getByTestId('message-scroller').evaluate((el) => { el.scrollTop = 0; });
    await waitUntil('the whole history after paging up', async () => (await messageContents(a)).length === expected.length);
    assert.deepEqual(await messageContents(a), expected, 'history after paging is not complete and in order');
    assertStrictlyOrdered(await messageIds(a), 'A after paging');
    await a.getByTestId('load-older').waitFor({ state: 'hidden' });
    // The reader stays where they were: the scroller is not at the very top.
    assert.ok(await a.getByTestId('message-scroller').evaluate((el) => el.scrollTop > 0), 'paging lost the scroll position');
    await shot(a, '05-history-paged.png');
  });

  await step('an HTML-injection message is shown as text', async () => {
    await openConversation(b, users.alice.full_name);
    const payload = '<img src=x onerror=alert(1)> <b>not bold</b>';
    await sendViaUi(b, payload);
    expected.push(payload);
    for (const page of [a, b]) {
      const content = messageLocator(page, payload);
      await content.waitFor();
      assert.equal(await content.evaluate((el) => el.childElementCount), 0, 'message markup was parsed as HTML');
    }
    assert.equal(await a.locator('[data-testid="message-list"] img, [data-testid="message-list"] b').count(), 0);
  });

  await step('chat-service is killed; both clients reconnect and no message is lost or doubled', async () => {
    await b.locator('[data-testid="connection-status"][data-state="open"]').waitFor();
    const oldPids = await Promise.all(PID_FILES.map(readPid));
    // Sent as the service stops: stored or not, it must end up shown exactly once.
    await sendViaUi(b, 'racing the shutdown');
    expected.push('racing the shutdown');
    for (const pid of oldPids) process.kill(pid, 'SIGTERM');
    // Both pages notice the drop.
    await a.locator('[data-testid="connection-status"]:not([data-state="open"])').waitFor();
    await b.locator('[data-testid="connection-status"]:not([data-state="open"])').waitFor();
    // Written while the service is down: kept by B's client and sent once it is back.
    await sendViaUi(b, 'sent during the outage');
    expected.push('sent during the outage');
    await b.getByTestId('pending-message').filter({ hasText: 'sent during the outage' }).waitFor();
    await waitUntil('chat-service to be restarted (new pid)', async () => {
      try {
        const pids = await Promise.all(PID_FILES.map(readPid));
        return pids.every((pid, i) => pid !== oldPids[i]);
      } catch { return false; }
    }, RESTART_TIMEOUT_MS, 500);
    // No polling of the API here (anonymous requests are throttled per IP): the pages' own
    // reconnection tells when chat-service is back.
    for (const page of [a, b]) {
      await page.locator('[data-testid="connection-status"][data-state="open"]').waitFor({ timeout: RESTART_TIMEOUT_MS });
    }
    await b.getByTestId('pending-message').first().waitFor({ state: 'detached', timeout: RESTART_TIMEOUT_MS });
    for (const text of ['back again 1', 'back again 2', 'back again 3']) {
      // Sent through the UI; the client keeps (and re-sends, with the same client_id) what the API
      // has not accepted yet, so the test only waits for the confirmation.
      await sendViaUi(b, text);
      expected.push(text);
      await b.getByTestId('pending-message').first().waitFor({ state: 'detached', timeout: RESTART_TIMEOUT_MS });
    }
    await sendViaUi(a, 'A is back too');
    expected.push('A is back too');
    await messageLocator(b, 'A is back too').waitFor();
    for (const [page, who] of [[a, 'A'], [b, 'B']]) {
      await messageLocator(page, 'A is back too').waitFor();
      const shown = await messageContents(page);
      assert.deepEqual(shown.slice(shown.length - 6), expected.slice(expected.length - 6), `${who}: the messages around the restart are wrong`);
      for (const text of expected) {
        const n = shown.filter((s) => s === text).length;
        assert.ok(n <= 1, `${who}: "${text}" is shown ${n} times`);
      }
      assertStrictlyOrdered(await messageIds(page), who);
    }
    // A shows exactly what the server has, in the server's order.
    const server = await a.evaluate(async (id) => {
      const res = await fetch(`/api/chat/conversations/${id}/messages/?limit=20`);
      return { status: res.status, body: await res.json() };
    }, direct);
    assert.equal(server.status, 200, `history over REST: HTTP ${server.status}`);
    const serverIds = server.body.data.messages.map((m) => m.id);
    const shownIds = await messageIds(a);
    assert.deepEqual(shownIds.slice(shownIds.length - serverIds.length), serverIds, 'A does not show what the server stored');
    assert.deepEqual(server.body.data.messages.map((m) => m.content), expected.slice(expected.length - serverIds.length));
    await shot(a, '06-after-reconnect.png');
  });

  await step('logout returns to the login screen and the old session is refused', async () => {
    const cookie = (await A.context.cookies()).find((c) => c.name === 'chat_access_token');
    assert.ok(cookie && cookie.value, 'A has no chat_access_token cookie');
    assert.ok(cookie.httpOnly, 'the auth cookie must be HttpOnly');
    assert.ok(!(await a.evaluate(() => document.cookie)).includes('chat_access_token'), 'the token is readable from script');
    await a.getByTestId('logout-button').click();
    await a.getByTestId('login-form').waitFor();
    assert.ok(await a.getByTestId('chat-view').isHidden());
    assert.ok(await a.getByTestId('logout-button').isHidden());
    const status = await a.evaluate(async () => (await fetch('/api/users/profile/')).status);
    assert.equal(status, 401, 'after logout the page is still authenticated');
    const replay = await fetch(`${BASE}/api/users/profile/`, { headers: { Authorization: `Bearer ${cookie.value}` } });
    assert.equal(replay.status, 401, `the old access token still works after logout (HTTP ${replay.status})`);
    await shot(a, '07-logged-out.png');
  });

  await step('A logs in again (wrong password first); an expired cookie is renewed with the refresh token', async () => {
    await a.getByTestId('login-email').fill(users.alice.email);
    await a.getByTestId('login-password').fill('not-the-password');
    await a.getByTestId('login-submit').click();
    await a.getByTestId('login-form-error').filter({ hasText: /invalid email or password/i }).waitFor();
    await a.getByTestId('login-password').fill(PASSWORD);
    await a.getByTestId('login-submit').click();
    await a.getByTestId('current-user').filter({ hasText: exact(users.alice.full_name) }).waitFor();
    await a.getByTestId('conversation-item').nth(1).waitFor();
    assert.equal(await a.getByTestId('conversation-item').count(), 2);
    // The cookie disappears (as when it expires): the page must refresh the session by itself.
    await A.context.clearCookies();
    await a.reload();
    await a.getByTestId('current-user').filter({ hasText: exact(users.alice.full_name) }).waitFor();
    const renewed = (await A.context.cookies()).find((c) => c.name === 'chat_access_token');
    assert.ok(renewed && renewed.value, 'the refresh did not set a new cookie');
    await a.getByTestId('conversation-item').nth(1).waitFor();
  });

  assert.deepEqual(problems, [], `problems seen in the pages:\n${problems.join('\n')}`);
}

try {
  await main();
  console.log('PASS: chat-suite web client end-to-end');
  process.exitCode = 0;
} catch (err) {
  console.error(`FAIL in step "${currentStep}": ${err && err.message ? err.message : err}`);
  if (problems.length) console.error(`page problems:\n${problems.join('\n')}`);
  for (const { page, label } of pages) {
    await page.screenshot({ path: path.join(SHOTS, `failure-${label}.png`), timeout: 5000 }).catch(() => {});
  }
  if (pages.length) console.error(`screenshots of the pages at the failure: ${SHOTS}/failure-*.png`);
  process.exitCode = 1;
} finally {
  clearTimeout(overall);
  if (browser) await browser.close().catch(() => {});
}
