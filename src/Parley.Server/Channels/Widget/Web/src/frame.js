// The chat inside the widget's iframe: the visitor hub connection, history, the offline queue, and the UI.
// Everything anyone typed is put on the page with textContent, never as HTML.
import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { texts } from './texts.js';

const MAX_TEXT = 4000;
const MAX_FILE = 10 * 1024 * 1024;
const FILE_TYPES = /\.(png|jpe?g|gif|webp|pdf|txt|csv|docx?|xlsx?|odt|ods|zip)$/i;
const RATING = /^rating:([1-5])$/;

const channel = decodeURIComponent(location.pathname.split('/').pop());
const query = new URLSearchParams(location.search);
// The browser's own word for who embeds us where it gives one; the launcher's otherwise.
const hostOrigin = (location.ancestorOrigins && location.ancestorOrigins[0]) || query.get('origin') || '';
const framed = window.parent !== window;
const storeKey = `parley:${channel}`;

// In a frame, the browser may refuse storage to a third-party origin (blocked third-party cookies, Safari), so the
// launcher keeps it in the host page's storage for us and hands it over at boot; on its own page the frame keeps it.
let store = framed ? fresh() : load();
let t = texts(navigator.language);
let config = null;
let session = null;
let verifiedToken = null;
let identity = null;
let customer = null;
let isOpen = false;
let flushing = false;
let typingSent = false;
let typingTimer = 0;
let teamTypingTimer = 0;
let unread = 0;
let connection = null;
let starting = null;
const rows = new Map(); // message id or client message id → row element

// ---- storage: the anonymous visitor token and messages not yet sent survive reloads

function fresh(saved) {
  return Object.assign({ token: null, pending: [], seenAt: 0, prechatDone: false }, saved);
}

function load() {
  try {
    return fresh(JSON.parse(localStorage.getItem(storeKey) || '{}'));
  } catch (e) {
    return fresh();
  }
}

function save() {
  if (framed) return toHost('store', store);
  try { localStorage.setItem(storeKey, JSON.stringify(store)); } catch (e) { /* private mode: memory only */ }
}

// ---- talking to the host page

function toHost(type, data) {
  if (framed && hostOrigin) window.parent.postMessage({ parley: 1, type, data }, hostOrigin);
}

window.addEventListener('message', (e) => {
  if (!framed || e.source !== window.parent || e.origin !== hostOrigin || !e.data || e.data.parley !== 1) return;
  const { type, data } = e.data;
  if (type === 'boot') {
    store = fresh(data.store);
    customer = data.customer;
    identity = data.identity;
    applyLanguage();
    if (data.open) opened();
    else if (store.token || identity) connect();
  } else if (type === 'open') opened();
  else if (type === 'close') isOpen = false;
  else if (type === 'customerData') {
    customer = data;
    applyLanguage();
  } else if (type === 'identify') {
    identity = data;
    if (session) identifyNow();
    else connect();
  }
});

// ---- the UI, built once

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
};

const app = document.getElementById('parley');
const header = el('header', 'head');
const avatar = el('img', 'avatar');
avatar.alt = '';
avatar.hidden = true;
const title = el('h1', 'title');
const closeButton = el('button', 'close', '×');
closeButton.type = 'button';
header.append(avatar, title, closeButton);
const log = el('div', 'log');
log.setAttribute('role', 'log');
log.setAttribute('aria-live', 'polite');
const greeting = el('p', 'greeting');
greeting.hidden = true;
log.appendChild(greeting);
const typing = el('div', 'typing');
typing.setAttribute('aria-live', 'polite');
const notice = el('div', 'notice');
notice.setAttribute('role', 'alert');
notice.hidden = true;
const prechat = el('form', 'prechat');
prechat.hidden = true;
prechat.noValidate = true;
const composer = el('form', 'composer');
const input = el('textarea', 'input');
input.rows = 1;
input.maxLength = MAX_TEXT + 1000; // longer than allowed, so the visitor gets the clear message rather than a silent cut
const fileInput = el('input');
fileInput.type = 'file';
fileInput.hidden = true;
fileInput.accept = 'image/png,image/jpeg,image/gif,image/webp,.pdf,.txt,.csv,.doc,.docx,.xls,.xlsx,.odt,.ods,.zip';
const attachButton = el('button', 'attach');
attachButton.type = 'button';
// A constant icon (no emoji font needed), never text from anyone.
attachButton.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"/></svg>';
const sendButton = el('button', 'send');
sendButton.type = 'submit';
composer.append(attachButton, fileInput, input, sendButton);
const signin = el('p', 'signin');
signin.hidden = true;
app.append(header, log, typing, notice, prechat, signin, composer);

function applyLanguage() {
  t = texts((customer && customer.language) || navigator.language, config && config.defaultLanguage);
  document.documentElement.lang = t.lang;
  closeButton.setAttribute('aria-label', t.close);
  input.placeholder = t.placeholder;
  input.setAttribute('aria-label', t.placeholder);
  attachButton.setAttribute('aria-label', t.attach);
  attachButton.title = t.attach;
  sendButton.textContent = t.send;
  signin.textContent = t.signIn;
}
applyLanguage();

function applyConfig(c) {
  config = c;
  document.documentElement.style.setProperty('--parley-color', c.color);
  title.textContent = c.title;
  document.title = c.title;
  if (c.avatarUrl) {
    avatar.src = c.avatarUrl;
    avatar.hidden = false;
  }
  greeting.textContent = c.greeting || '';
  greeting.hidden = !c.greeting;
  applyLanguage();
}

function showNotice(text) {
  notice.textContent = text || '';
  notice.hidden = !text;
}

// ---- messages

function rowFor(m) {
  return rows.get(m.id) || (m.clientMessageId && rows.get(m.clientMessageId));
}

function render(m) {
  let row = rowFor(m);
  if (!row) {
    row = el('div');
    const next = [...log.querySelectorAll('.msg')].find((r) => +r.dataset.at > Date.parse(m.createdAt));
    log.insertBefore(row, next || null);
  }
  if (m.id) rows.set(m.id, row);
  if (m.clientMessageId) rows.set(m.clientMessageId, row);
  row.dataset.at = Date.parse(m.createdAt);
  const mine = m.author === 'client';
  row.className = `msg ${mine ? 'mine' : m.author}${m.deleted ? ' deleted' : ''}${m.pending ? ' pending' : ''}${m.failed ? ' failed' : ''}`;
  row.replaceChildren();
  if (m.author === 'manager' && m.authorName) row.appendChild(el('div', 'who', m.authorName));
  const bubble = el('div', 'bubble');
  bubble.appendChild(el('p', 'text', m.deleted ? t.deleted : m.text));
  (m.attachments || []).forEach((a) => bubble.appendChild(attachment(a)));
  if (m.editedAt && !m.deleted) bubble.appendChild(el('span', 'edited', t.edited));
  row.appendChild(bubble);
  if (m.buttons && m.buttons.length) row.appendChild(buttons(m));
  if (mine) {
    const status = el('div', 'status', m.failed ? `${t.notSent}: ${m.failed}` : m.pending ? t.sending : '');
    if (m.failed) {
      const retry = el('button', 'retry', t.retry);
      retry.type = 'button';
      retry.addEventListener('click', () => queue(m.text, m.attachmentIds, m.clientMessageId));
      status.appendChild(retry);
    }
    row.appendChild(status);
  }
  row.scrollIntoView({ block: 'end' });
  return row;
}

function buttons(m) {
  const group = el('div', 'buttons');
  group.setAttribute('role', 'group');
  m.buttons.forEach((b) => {
    const stars = RATING.exec(b.payload);
    const button = el('button', stars ? 'star' : 'choice', stars ? '★' : b.label);
    button.type = 'button';
    if (stars) button.setAttribute('aria-label', t.rate(stars[1]));
    button.dataset.payload = b.payload;
    button.addEventListener('click', () => press(group, button, b.payload));
    group.appendChild(button);
  });
  return group;
}

async function press(group, button, payload) {
  try {
    await ensureConnected();
    await connection.invoke('Press', payload);
    group.querySelectorAll('button').forEach((b) => {
      b.disabled = true;
      const chosen = RATING.exec(b.dataset.payload);
      const picked = RATING.exec(payload);
      b.classList.toggle('chosen', chosen && picked ? +chosen[1] <= +picked[1] : b === button);
    });
    showNotice('');
  } catch (e) {
    showNotice(problem(e));
  }
}

// Files are fetched with the visitor token and shown from memory: a plain URL would open them to anyone holding it.
function attachment(a) {
  const box = el('div', 'file');
  const link = el('a', null, a.fileName);
  link.href = '#';
  box.appendChild(link);
  fetch(a.url, { headers: { 'X-Parley-Visitor': currentToken() || '' } })
    .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(r.statusText))))
    .then((blob) => {
      const url = URL.createObjectURL(blob);
      link.href = url;
      link.download = a.fileName;
      if (/^image\//.test(a.contentType)) {
        const img = el('img', 'image');
        img.alt = a.fileName;
        img.src = url;
        link.replaceChildren(img);
      }
    })
    .catch(() => link.classList.add('broken'));
  return box;
}

function teamMessage(m) {
  render(m);
  if (m.author === 'client') return;
  setTeamTyping(null);
  // A manager who answers has read what came before; a system message (a greeting) says nothing about that.
  if (m.author === 'manager') markSeen(true);
  toHost('managerMessage', { text: m.text, author: m.author, authorName: m.authorName || null });
  if (isOpen) rememberSeen(Date.parse(m.createdAt));
  else setUnread(unread + 1);
}

function setUnread(count) {
  unread = count;
  toHost('unread', count);
}

function rememberSeen(at) {
  if (+at > (store.seenAt || 0)) {
    store.seenAt = at;
    save();
  }
}

function markSeen(seen) {
  const mine = [...log.querySelectorAll('.msg.mine:not(.pending):not(.failed)')];
  mine.forEach((r) => {
    r.classList.remove('seen');
    r.querySelector('.status').textContent = '';
  });
  if (seen && mine.length) {
    const last = mine[mine.length - 1];
    last.classList.add('seen');
    last.querySelector('.status').textContent = t.seen;
  }
}

function setTeamTyping(name) {
  clearTimeout(teamTypingTimer);
  typing.textContent = name ? t.typing(name) : '';
  // If the "stopped" never arrives (a closed tab), the indicator must not stay forever.
  if (name) teamTypingTimer = setTimeout(() => setTeamTyping(null), 8000);
}

// ---- sending: every message is queued first, and the queue is sent in order, exactly once (client message ids)

function newId() {
  return (crypto.randomUUID && crypto.randomUUID()) || [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function queue(text, attachmentIds, clientMessageId) {
  const item = { clientMessageId: clientMessageId || newId(), text, attachmentIds: attachmentIds || [], createdAt: new Date().toISOString() };
  store.pending = store.pending.filter((p) => p.clientMessageId !== item.clientMessageId).concat(item);
  save();
  render({ ...item, author: 'client', pending: true });
  flush();
}

async function flush() {
  if (flushing || !session || session.needsIdentify || !navigator.onLine || !connection || connection.state !== HubConnectionState.Connected) return;
  flushing = true;
  try {
    while (store.pending.length) {
      const item = store.pending[0];
      try {
        const m = await connection.invoke('Send', { text: item.text, clientMessageId: item.clientMessageId, attachmentIds: item.attachmentIds, customer: customerData() });
        store.pending.shift();
        save();
        render(m);
        toHost('clientMessage', { text: m.text });
      } catch (e) {
        const refused = hubError(e);
        if (!refused) break; // the connection dropped: the item stays queued and goes on reconnect
        store.pending.shift();
        save();
        render({ ...item, author: 'client', failed: refused });
        showNotice(refused);
      }
    }
  } finally {
    flushing = false;
  }
}

function customerData() {
  if (!customer) return null;
  const c = {};
  ['name', 'email', 'phone', 'note', 'language'].forEach((k) => { if (customer[k] != null && customer[k] !== '') c[k] = String(customer[k]); });
  if (customer.customFields && typeof customer.customFields === 'object') {
    c.customFields = {};
    Object.keys(customer.customFields).forEach((k) => { c.customFields[k] = String(customer.customFields[k]); });
  }
  return c;
}

// The server's words for a refused action, without the kind and code it puts first for programs
// ("Invalid [too_many_files]: At most 5 files per message." shows as "At most 5 files per message.").
function hubError(e) {
  const match = /HubException: ([\s\S]*)$/.exec((e && e.message) || '');
  return match ? match[1].replace(/^(?:Forbidden|Conflict|Invalid|NotFound)(?: \[[a-z0-9_]+\])?: /, '') : null;
}

function problem(e) {
  return hubError(e) || t.offline;
}

composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  if (text.length > MAX_TEXT) {
    showNotice(t.tooLong(text.length));
    return;
  }
  showNotice('');
  input.value = '';
  stopTyping();
  queue(text);
});

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    composer.requestSubmit();
  }
});

input.addEventListener('input', () => {
  if (!typingSent && input.value && connection && session && connection.state === HubConnectionState.Connected) {
    typingSent = true;
    connection.invoke('Typing', true).catch(() => {});
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, 3000);
});

function stopTyping() {
  clearTimeout(typingTimer);
  if (!typingSent) return;
  typingSent = false;
  if (connection && connection.state === HubConnectionState.Connected) connection.invoke('Typing', false).catch(() => {});
}

attachButton.addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', async () => {
  const file = fileInput.files[0];
  fileInput.value = '';
  if (!file) return;
  if (file.size > MAX_FILE) return showNotice(t.fileTooLarge);
  if (!FILE_TYPES.test(file.name)) return showNotice(t.fileType);
  showNotice(t.uploading(file.name));
  try {
    await ensureConnected();
    const body = new FormData();
    body.append('file', file);
    const r = await fetch(`/api/v1/widget/${encodeURIComponent(channel)}/attachments`, { method: 'POST', body, headers: { 'X-Parley-Visitor': currentToken() || '' } });
    const answer = await r.json();
    if (!r.ok) return showNotice(answer.detail || answer.title);
    showNotice('');
    queue(input.value.trim().slice(0, MAX_TEXT), [answer.id]);
    input.value = '';
  } catch (e) {
    showNotice(t.offline);
  }
});

closeButton.addEventListener('click', () => toHost('close'));
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') toHost('close'); });

// ---- the pre-chat form, before the first message when the widget asks for contacts

function showPrechat() {
  const fields = ['name', 'email', 'phone'].filter((f) => config.preChat[f] && config.preChat[f] !== 'off');
  if (!fields.length || store.prechatDone || rows.size) return false;
  prechat.replaceChildren(el('p', 'intro', t.prechatIntro));
  fields.forEach((f) => {
    const label = el('label', null, t[f] + (config.preChat[f] === 'required' ? ' *' : ''));
    const field = el('input');
    field.name = f;
    field.type = f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text';
    field.required = config.preChat[f] === 'required';
    field.autocomplete = f === 'phone' ? 'tel' : f;
    if (customer && customer[f]) field.value = customer[f];
    label.appendChild(field);
    prechat.appendChild(label);
  });
  const start = el('button', 'send', t.start);
  start.type = 'submit';
  prechat.appendChild(start);
  prechat.hidden = false;
  composer.hidden = true;
  return true;
}

prechat.addEventListener('submit', (e) => {
  e.preventDefault();
  const values = {};
  for (const field of prechat.querySelectorAll('input')) {
    const value = field.value.trim();
    const invalid = (field.required && !value)
      || (value && field.name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
      || (value && field.name === 'phone' && !/^(\+|00)[\d\s().-]{7,20}$/.test(value));
    field.setAttribute('aria-invalid', invalid ? 'true' : 'false');
    if (invalid) {
      showNotice(t.invalid(t[field.name]));
      field.focus();
      return;
    }
    if (value) values[field.name] = value;
  }
  customer = Object.assign({}, customer, values);
  store.prechatDone = true;
  save();
  showNotice('');
  prechat.hidden = true;
  composer.hidden = false;
  input.focus();
});

// ---- the connection

function currentToken() {
  return verifiedToken || store.token;
}

function opened() {
  isOpen = true;
  setUnread(0);
  const last = [...log.querySelectorAll('.msg')].pop();
  if (last) rememberSeen(last.dataset.at);
  connect();
  setTimeout(() => (prechat.hidden ? input : prechat.querySelector('input') || input).focus(), 0);
}

function connect() {
  if (!connection) {
    connection = new HubConnectionBuilder()
      .withUrl('/hubs/visitor')
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (c) => Math.min(10000, 500 * 2 ** c.previousRetryCount) })
      .configureLogging(LogLevel.None)
      .build();
    connection.on('message', teamMessage);
    connection.on('messageChanged', render);
    connection.on('seen', () => markSeen(true));
    connection.on('typing', (e) => setTeamTyping(e.isTyping ? e.name : null));
    connection.onreconnecting(() => showNotice(t.reconnecting));
    connection.onreconnected(() => join().then(flush, showJoinError));
    connection.onclose(() => { starting = null; setTimeout(connect, 3000); });
  }
  return ensureConnected().then(flush, showJoinError);
}

function ensureConnected() {
  if (connection.state === HubConnectionState.Connected && session) return Promise.resolve();
  if (!starting) {
    starting = (connection.state === HubConnectionState.Disconnected ? connection.start() : Promise.resolve())
      .then(join)
      .catch((e) => {
        starting = null;
        if (!hubError(e)) setTimeout(connect, 5000);
        throw e;
      });
  }
  return starting;
}

async function join() {
  adopt(await connection.invoke('Join', { channel, visitorToken: currentToken(), hostOrigin, language: (customer && customer.language) || navigator.language }));
  if (identity && !session.verified) await identifyNow();
}

// A refused identify leaves the visitor as they were (anonymous, or asked to sign in when the widget requires it).
async function identifyNow() {
  try {
    adopt(await connection.invoke('Identify', identity.userId, identity.userHash));
  } catch (e) {
    const why = hubError(e) || t.offline;
    toHost('error', why);
    showNotice(why);
  }
}

function adopt(s) {
  session = s;
  applyConfig(s.config);
  if (s.verified) verifiedToken = s.visitorToken;
  else if (s.visitorToken) {
    verifiedToken = null;
    store.token = s.visitorToken;
    save();
  }
  showNotice('');
  signin.hidden = !s.needsIdentify;
  composer.hidden = s.needsIdentify;
  log.querySelectorAll('.msg').forEach((r) => r.remove());
  rows.clear();
  s.messages.forEach(render);
  store.pending.forEach((p) => render({ ...p, author: 'client', pending: true }));
  markSeen(s.seen);
  if (!s.needsIdentify) showPrechat();
  const fresh = s.messages.filter((m) => m.author !== 'client' && Date.parse(m.createdAt) > (store.seenAt || 0)).length;
  if (isOpen) {
    const last = s.messages[s.messages.length - 1];
    if (last) rememberSeen(Date.parse(last.createdAt));
  } else setUnread(fresh);
}

function showJoinError(e) {
  showNotice(problem(e));
  if (hubError(e)) toHost('error', hubError(e));
}

window.addEventListener('online', () => { showNotice(''); flush(); });
window.addEventListener('offline', () => showNotice(t.offline));

if (framed) toHost('hello');
else {
  // Opened on its own (a direct link, a mobile web view): the chat is the whole page.
  document.documentElement.classList.add('standalone');
  opened();
}
