/**
 * The WebChat page: plain HTML, CSS and a module script, served as they are (no build step).
 * Markdown is rendered by `marked`'s own browser build, served from node_modules, with raw HTML
 * escaped and only http(s)/mailto links kept. The script avoids backticks so it can live here.
 */

export const WEBCHAT_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>openclaw</title>
<link rel="stylesheet" href="/webchat/app.css">
<script type="module" src="/webchat/app.js"></script>
</head>
<body>
<main id="login" hidden>
  <form id="login-form">
    <h1>openclaw</h1>
    <p>Enter the gateway token (<code>cat ~/.openclaw/gateway/token</code>).</p>
    <input id="token" type="password" autocomplete="current-password" placeholder="token" required>
    <label><input id="remember" type="checkbox"> remember on this browser</label>
    <button type="submit">Connect</button>
    <p id="login-error" class="error" role="alert"></p>
  </form>
</main>
<main id="chat" hidden>
  <header>
    <strong>openclaw</strong>
    <label>session <input id="key" spellcheck="false"></label>
    <span id="status" class="status"></span>
    <button id="logout" type="button">Log out</button>
  </header>
  <section id="messages" aria-live="polite"></section>
  <form id="composer">
    <textarea id="input" rows="3" placeholder="Message the agent (Enter sends, Shift+Enter for a new line)"></textarea>
    <div class="actions">
      <button id="stop" type="button" disabled>Stop</button>
      <button id="send" type="submit">Send</button>
    </div>
  </form>
</main>
</body>
</html>
`;

export const WEBCHAT_CSS = `
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fafafa; --muted: #6b6b70; --user: #e7f0ff; --bot: #ffffff; --border: #d9d9de; --accent: #2f6feb; --bad: #c62828; --good: #2e7d32; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --bg: #16161a; --muted: #9a9aa2; --user: #1f2b40; --bot: #202026; --border: #34343c; --accent: #6ea0ff; --bad: #ef6b6b; --good: #6fcf75; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main { height: 100vh; display: flex; flex-direction: column; }
#login { align-items: center; justify-content: center; }
#login form { width: min(420px, 92vw); display: flex; flex-direction: column; gap: .6rem; }
header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--border); }
header label { display: flex; gap: .4rem; align-items: center; color: var(--muted); }
header input { width: 18rem; }
.status { color: var(--muted); flex: 1; }
#messages { flex: 1; overflow-y: auto; padding: 1rem; display: flex; flex-direction: column; gap: .8rem; }
.message { max-width: 52rem; padding: .6rem .9rem; border-radius: 10px; border: 1px solid var(--border); overflow-wrap: anywhere; }
.message.user { align-self: flex-end; background: var(--user); white-space: pre-wrap; }
.message.assistant { align-self: flex-start; background: var(--bot); }
.message .body > :first-child { margin-top: 0; }
.message .body > :last-child { margin-bottom: 0; }
.message pre { overflow-x: auto; padding: .6rem; border-radius: 6px; background: rgba(127,127,127,.12); }
.message code { font: 13px/1.4 ui-monospace, monospace; }
.tools { margin: 0 0 .4rem; padding: 0; list-style: none; font: 13px/1.4 ui-monospace, monospace; color: var(--muted); }
.tools .ok::after { content: " \\2713"; color: var(--good); }
.tools .failed::after { content: " \\2717"; color: var(--bad); }
.error { color: var(--bad); }
.notice { color: var(--muted); font-style: italic; }
#composer { display: flex; gap: .6rem; padding: .6rem 1rem 1rem; border-top: 1px solid var(--border); }
#composer textarea { flex: 1; resize: vertical; font: inherit; padding: .5rem; }
.actions { display: flex; flex-direction: column; gap: .4rem; }
input, textarea, button { font: inherit; color: inherit; background: var(--bot); border: 1px solid var(--border); border-radius: 6px; padding: .4rem .7rem; }
button { cursor: pointer; }
button[type=submit] { background: var(--accent); color: #fff; border-color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
`;

export const WEBCHAT_JS = `
import { Marked } from '/webchat/marked.js';

var TOKEN_KEY = 'openclaw.token';
var SESSION_KEY = 'openclaw.session';
var $ = function (id) { return document.getElementById(id); };

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
}
function safeUrl(href) {
  try {
    var url = new URL(href, location.href);
    return ['http:', 'https:', 'mailto:'].indexOf(url.protocol) >= 0 ? url.href : null;
  } catch (error) { return null; }
}
var markdown = new Marked({
  gfm: true,
  renderer: {
    html: function (token) { return escapeHtml(token.text); },
    image: function (token) { return escapeHtml(token.text || token.href); },
    link: function (token) {
      var text = this.parser.parseInline(token.tokens);
      var href = safeUrl(token.href);
      return href ? '<a href="' + escapeHtml(href) + '" target="_blank" rel="noopener noreferrer">' + text + '</a>' : text;
    }
  }
});
function render(text) { return markdown.parse(text); }

var socket = null;
var nextId = 1;
var pending = {};
var runs = {};
var running = {};
var deliveredEarly = null;
var token = sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY);

function show(view) {
  $('login').hidden = view !== 'login';
  $('chat').hidden = view !== 'chat';
}
function setStatus(text) { $('status').textContent = text; }
function currentKey() { return $('key').value.trim() || 'webchat:dm:main'; }

function request(method, params) {
  var id = nextId++;
  socket.send(JSON.stringify({ type: 'req', id: id, method: method, params: params || {} }));
  return new Promise(function (resolve, reject) { pending[id] = { resolve: resolve, reject: reject }; });
}

function connect() {
  var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  socket = new WebSocket(scheme + location.host + '/ws');
  setStatus('connecting');
  socket.onopen = function () {
    request('connect', { token: token, client: { name: 'webchat' } }).then(function () {
      show('chat');
      setStatus('connected');
      loadHistory();
      $('input').focus();
    }, function (error) {
      token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      localStorage.removeItem(TOKEN_KEY);
      $('login-error').textContent = error.message;
      show('login');
    });
  };
  socket.onmessage = function (message) {
    var frame = JSON.parse(message.data);
    if (frame.type === 'res') {
      var waiter = pending[frame.id];
      delete pending[frame.id];
      if (waiter) { if (frame.ok) waiter.resolve(frame.payload); else waiter.reject(frame.error); }
    } else if (frame.type === 'event') {
      onEvent(frame.event, frame.payload);
    }
  };
  socket.onclose = function (event) {
    for (var id in pending) pending[id].reject({ message: 'disconnected' });
    pending = {};
    if (!token) return;
    if (event.code === 1008) { $('login-error').textContent = event.reason; show('login'); return; }
    setStatus('disconnected; reconnecting');
    setTimeout(connect, 2000);
  };
}

function addMessage(role, html) {
  var element = document.createElement('div');
  element.className = 'message ' + role;
  element.innerHTML = html;
  $('messages').appendChild(element);
  element.scrollIntoView({ block: 'end' });
  return element;
}

function runFor(messageId) {
  var run = runs[messageId];
  if (!run) {
    var element = addMessage('assistant', '<ul class="tools"></ul><div class="body"></div>');
    run = runs[messageId] = { element: element, tools: element.querySelector('.tools'), body: element.querySelector('.body'), text: '', scheduled: false, calls: {} };
  }
  return run;
}

function paint(run) {
  if (run.scheduled) return;
  run.scheduled = true;
  requestAnimationFrame(function () {
    run.scheduled = false;
    run.body.innerHTML = render(run.text);
    run.element.scrollIntoView({ block: 'end' });
  });
}

function describeArgs(args) {
  if (!args || typeof args !== 'object') return String(args || '');
  var value = args.command || args.path || args.pattern || args.query || Object.values(args)[0];
  return typeof value === 'string' ? value.split('\\n')[0].slice(0, 80) : '';
}

function onEvent(name, payload) {
  if (name === 'message') {
    if (payload.key !== currentKey()) return;
    // While the history loads, a reply delivered now may be in it or not: shown after it, once.
    if (deliveredEarly) deliveredEarly.push(payload.text);
    else addMessage('assistant', '<div class="body">' + render(payload.text) + '</div>');
    return;
  }
  if (!payload || !payload.messageId || payload.key !== currentKey()) return;
  var run = runFor(payload.messageId);
  if (name === 'text_delta') { run.text += payload.text; paint(run); }
  else if (name === 'tool_call') {
    var item = document.createElement('li');
    item.textContent = '\\u2192 ' + payload.name + ' ' + describeArgs(payload.args);
    run.calls[payload.id] = item;
    run.tools.appendChild(item);
  } else if (name === 'tool_result') {
    var call = run.calls[payload.id];
    if (call) { call.className = payload.ok ? 'ok' : 'failed'; call.title = payload.summary; }
  } else if (name === 'notice') {
    var note = document.createElement('li');
    note.className = 'notice';
    note.textContent = payload.message;
    run.tools.appendChild(note);
  } else if (name === 'error') {
    if (payload.retryable) { run.text = ''; paint(run); }
    else { var line = document.createElement('p'); line.className = 'error'; line.textContent = payload.message; run.element.appendChild(line); }
  } else if (name === 'done') {
    if (payload.text) run.text = payload.text;
    paint(run);
    delete running[payload.messageId];
    $('stop').disabled = Object.keys(running).length === 0;
  }
}

function loadHistory() {
  $('messages').innerHTML = '';
  runs = {};
  // Runs followed before (another session, or a connection that dropped) end here for this page.
  running = {};
  $('stop').disabled = true;
  deliveredEarly = [];
  request('chat.subscribe', { key: currentKey() }).catch(function () {});
  request('sessions.history', { key: currentKey(), limit: 200 }).then(function (history) {
    // A reply delivered early is in the history only as an answer to its last message: an equal
    // text earlier in the conversation is another reply, and the early one is still shown.
    var shown = {};
    history.messages.forEach(function (message) {
      if (message.role === 'user') { shown = {}; addMessage('user', escapeHtml(message.text)); }
      else if (message.text) { shown[message.text] = true; addMessage('assistant', '<div class="body">' + render(message.text) + '</div>'); }
    });
    (deliveredEarly || []).forEach(function (text) { if (!shown[text]) addMessage('assistant', '<div class="body">' + render(text) + '</div>'); });
    deliveredEarly = null;
  }, function (error) { deliveredEarly = null; setStatus(error.message); });
}

function send(text) {
  var key = currentKey();
  addMessage('user', escapeHtml(text));
  var messageId = 'w' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  request('chat.send', { key: key, text: text, messageId: messageId }).then(function (receipt) {
    if (receipt.status === 'duplicate') return;
    running[receipt.messageId] = true;
    $('stop').disabled = false;
    runFor(receipt.messageId);
  }, function (error) {
    var line = addMessage('assistant', '');
    line.classList.add('error');
    line.textContent = error.message;
  });
}

$('login-form').addEventListener('submit', function (event) {
  event.preventDefault();
  token = $('token').value.trim();
  $('login-error').textContent = '';
  (($('remember').checked) ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
  if (socket) socket.close();
  connect();
});
$('logout').addEventListener('click', function () {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
  if (socket) socket.close();
  show('login');
});
$('composer').addEventListener('submit', function (event) {
  event.preventDefault();
  var text = $('input').value;
  if (!text.trim() || !socket || socket.readyState !== WebSocket.OPEN) return;
  $('input').value = '';
  send(text);
});
$('input').addEventListener('keydown', function (event) {
  if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); $('composer').requestSubmit(); }
});
$('stop').addEventListener('click', function () { request('chat.abort', { key: currentKey() }).catch(function () {}); });
$('key').value = localStorage.getItem(SESSION_KEY) || 'webchat:dm:main';
$('key').addEventListener('change', function () {
  localStorage.setItem(SESSION_KEY, currentKey());
  if (socket && socket.readyState === WebSocket.OPEN) loadHistory();
});

if (token) connect(); else show('login');
`;
