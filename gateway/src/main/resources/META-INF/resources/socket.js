// One conversation's WebSocket, with automatic reconnection and resume.
//
// The socket is authenticated by the HttpOnly cookie (same origin). After a drop it reconnects with
// exponential backoff (0.5 s doubling to 10 s, with jitter) and asks the server to replay every
// message after the newest one the page has (`?last_id=`), so nothing is lost and, because the page
// de-duplicates by message id, nothing is shown twice. A handshake that keeps failing is checked
// over REST (which refreshes the session when needed, or reports that access is gone), and so is a
// close with 4401 (the token expired or its session was revoked): the REST call renews the cookie
// before the next handshake, or reports that the session is over.

import { compareIds } from './dom.js';

const MAX_DELAY_MS = 10000;
const HEARTBEAT_MS = 25000;
const PONG_TIMEOUT_MS = 10000;
const TOKEN_REFUSED = 4401;

export class ChatSocket {
  /**
   * @param {string} conversationId
   * @param {{onFrame(frame, info), onState(state), checkAccess(): Promise<boolean>}} handlers
   *   onFrame gets every parsed frame; info.resumed tells whether this connection asked for a replay.
   *   checkAccess resolves false when reconnecting is pointless (no access any more).
   */
  constructor(conversationId, handlers) {
    this.conversationId = conversationId;
    this.handlers = handlers;
    this.lastId = null;
    this.attempt = 0;
    this.failedHandshakes = 0;
    this.stopped = false;
    this.ws = null;
    this.live = false;
    this.retryTimer = null;
    this.heartbeat = null;
    this.pongTimer = null;
  }

  /** Records a message the page has, so a reconnect resumes after the newest one. */
  noteMessage(id) {
    if (id && (!this.lastId || compareIds(id, this.lastId) > 0)) this.lastId = id;
  }

  start() {
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const resumed = Boolean(this.lastId);
    let url = `${scheme}//${location.host}/ws/chat/${encodeURIComponent(this.conversationId)}/`;
    if (resumed) url += `?last_id=${encodeURIComponent(this.lastId)}`;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleReconnect(true);
      return;
    }
    this.ws = ws;
    this.live = false;
    let established = false;
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (!frame || typeof frame.type !== 'string') return;
      if (frame.type === 'connection_established') {
        established = true;
        this.live = true;
        this.attempt = 0;
        this.failedHandshakes = 0;
        this.startHeartbeat();
        this.setState('open');
      } else if (frame.type === 'pong') {
        clearTimeout(this.pongTimer);
        return;
      } else if (frame.type === 'message' && frame.message) {
        this.noteMessage(frame.message.id);
      }
      this.handlers.onFrame(frame, { resumed });
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.live = false;
      this.stopHeartbeat();
      if (!this.stopped) this.scheduleReconnect(!established, event.code === TOKEN_REFUSED);
    };
    ws.onerror = () => { /* a close event follows */ };
  }

  scheduleReconnect(handshakeFailed, tokenRefused = false) {
    this.attempt += 1;
    if (handshakeFailed) this.failedHandshakes += 1;
    const base = Math.min(MAX_DELAY_MS, 500 * 2 ** (this.attempt - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    this.setState('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(async () => {
      if (this.stopped) return;
      if (this.failedHandshakes >= 2 || tokenRefused) {
        // The browser hides the handshake's status: ask REST whether we may still connect.
        const ok = await this.handlers.checkAccess().catch(() => true);
        if (!ok || this.stopped) {
          this.setState('closed');
          return;
        }
      }
      this.connect();
    }, delay);
  }

  /** Reconnects at once if a retry is waiting (e.g. the network came back). */
  reconnectNow() {
    if (!this.stopped && !this.ws && this.retryTimer) this.connect();
  }

  /** Sends a frame when the socket is live; false otherwise (the caller keeps it for later). */
  send(frame) {
    if (!this.ws || !this.live || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  get isLive() {
    return Boolean(this.ws && this.live);
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      clearTimeout(this.pongTimer);
      // No answer: the connection is half-open; closing it triggers a reconnect.
      this.pongTimer = setTimeout(() => this.abandon(), PONG_TIMEOUT_MS);
    }, HEARTBEAT_MS);
  }

  /** Drops a connection that stopped answering and reconnects without waiting for its close. */
  abandon() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.live = false;
    this.stopHeartbeat();
    try { ws.close(4000, 'heartbeat timeout'); } catch { /* already closing */ }
    if (!this.stopped) this.scheduleReconnect(false);
  }

  stopHeartbeat() {
    clearInterval(this.heartbeat);
    clearTimeout(this.pongTimer);
  }

  setState(state) {
    this.handlers.onState(state);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    this.live = false;
    if (ws) ws.close(1000, 'bye');
  }
}
