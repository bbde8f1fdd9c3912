// widget.js: the part of the Parley widget that runs on the host page. It draws the launcher button (in a closed
// shadow root, so the page's CSS cannot break it) and the chat frame (an iframe on the Parley server, so the page's
// scripts cannot read the chat), and carries the JavaScript API Parley(...) to the frame by postMessage.

const EVENTS = ['ready', 'opened', 'closed', 'clientMessage', 'managerMessage'];

const CSS = `
:host { all: initial; }
.launcher { position: fixed; bottom: 20px; z-index: 2147483000; display: flex; align-items: center; gap: 8px; min-width: 56px; height: 56px;
  padding: 0 16px; border: 0; border-radius: 28px; background: var(--parley-color); color: #fff; cursor: pointer; box-shadow: 0 4px 16px rgba(0,0,0,.25);
  font: 600 15px/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; justify-content: center; }
.launcher:focus-visible { outline: 3px solid #111; outline-offset: 3px; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; flex: none; }
.right { right: 20px; } .left { left: 20px; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; padding: 0 5px; box-sizing: border-box; border-radius: 10px;
  background: #e03131; color: #fff; font: 700 12px/20px system-ui, sans-serif; text-align: center; }
.panel { position: fixed; bottom: 88px; z-index: 2147483001; width: 380px; height: min(640px, calc(100vh - 110px)); border-radius: 14px;
  overflow: hidden; box-shadow: 0 8px 32px rgba(0,0,0,.3); background: #fff; }
.panel iframe { width: 100%; height: 100%; border: 0; display: block; }
[hidden] { display: none !important; }
@media (max-width: 480px) {
  .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; bottom: 0; }
  .panel.right, .panel.left { left: 0; right: 0; }
}`;

const ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.5 3.4 6L4.6 21l4.3-2.4c1 .3 2 .4 3.1.4 5.5 0 10-3.6 10-8s-4.5-8-10-8z"/></svg>';

(function () {
  const existing = window.Parley;
  if (existing && existing.loaded) return;

  const script = document.currentScript || document.querySelector('script[data-channel][src*="widget.js"]');
  const channel = script && script.getAttribute('data-channel');
  if (!channel) {
    console.warn('Parley: the widget script needs data-channel="PUBLIC_TOKEN".');
    return;
  }
  const server = new URL(script.src, location.href).origin;
  const listeners = {};
  const toFrame = [];
  const state = { open: false, hideByDefault: false, customer: null, identity: null };
  const storeKey = `parley:${channel}`;
  let frame = null;
  let frameReady = false;
  let button = null;
  let panel = null;
  let badge = null;
  let unread = 0;
  let audio = null;

  function emit(event, data) {
    (listeners[event] || []).forEach((cb) => {
      try { cb(data); } catch (e) { console.error(e); }
    });
  }

  function post(type, data) {
    if (frameReady) frame.contentWindow.postMessage({ parley: 1, type, data }, server);
    else toFrame.push([type, data]);
  }

  function open() {
    if (state.open) return;
    state.open = true;
    if (!panel) return;
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    setUnread(0);
    post('open');
    frame.focus();
    emit('opened');
  }

  function close() {
    if (!state.open) return;
    state.open = false;
    if (!panel) return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    post('close');
    if (!button.hidden) button.focus();
    emit('closed');
  }

  function setUnread(count) {
    if (count > unread && !state.open) beep();
    unread = count;
    if (!badge) return;
    badge.hidden = count === 0;
    badge.textContent = count > 9 ? '9+' : String(count);
    button.setAttribute('aria-label', count ? `Open chat, ${count} unread` : 'Open chat');
  }

  // A short tone from WebAudio: no sound file to download. Browsers allow it once the visitor has interacted with the page.
  function beep() {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      audio = audio || new Ctx();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.06, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.3);
    } catch (e) { /* no sound is fine */ }
  }

  // The frame's anonymous visitor token and unsent messages live in the host page's own storage: browsers may deny
  // storage to a third-party frame, and the visitor must stay the same person across reloads.
  function readStore() {
    try { return JSON.parse(localStorage.getItem(storeKey) || 'null'); } catch (e) { return null; }
  }

  function writeStore(data) {
    try { localStorage.setItem(storeKey, JSON.stringify(data)); } catch (e) { /* private mode: this page view only */ }
  }

  function api(command, arg, callback) {
    switch (command) {
      case 'open': return open();
      case 'close': return close();
      case 'hideByDefault':
        state.hideByDefault = true;
        if (button) button.hidden = true;
        return;
      case 'customerData':
        state.customer = Object.assign({}, state.customer, arg);
        return post('customerData', state.customer);
      case 'identify':
        state.identity = arg && { userId: String(arg.userId), userHash: String(arg.userHash) };
        return post('identify', state.identity);
      case 'on':
        if (EVENTS.indexOf(arg) < 0 || typeof callback !== 'function') {
          console.warn(`Parley: unknown event '${arg}'. Known: ${EVENTS.join(', ')}.`);
          return;
        }
        (listeners[arg] = listeners[arg] || []).push(callback);
        if (arg === 'ready' && frameReady) callback();
        return;
      default:
        console.warn(`Parley: unknown command '${command}'.`);
    }
  }

  const queued = (existing && existing.q) || [];
  window.Parley = function () { return api.apply(null, arguments); };
  window.Parley.loaded = true;

  function render(config) {
    const host = document.createElement('div');
    host.setAttribute('data-parley', '');
    const root = host.attachShadow({ mode: 'closed' });
    // A constructed style sheet is not an inline style, so a strict CSP on the host page does not block it.
    if (root.adoptedStyleSheets && window.CSSStyleSheet && 'replaceSync' in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      const style = document.createElement('style');
      style.textContent = CSS;
      root.appendChild(style);
    }
    host.style.setProperty('--parley-color', config.color);
    const side = config.position === 'left' ? 'left' : 'right';

    button = document.createElement('button');
    button.type = 'button';
    button.className = `launcher ${side}`;
    button.setAttribute('aria-label', 'Open chat');
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-haspopup', 'dialog');
    button.innerHTML = ICON; // a constant icon, never text from anyone
    if (config.launcherText) {
      const label = document.createElement('span');
      label.textContent = config.launcherText;
      button.appendChild(label);
    }
    badge = document.createElement('span');
    badge.className = 'badge';
    badge.hidden = true;
    button.appendChild(badge);
    button.hidden = state.hideByDefault;
    button.addEventListener('click', () => (state.open ? close() : open()));

    panel = document.createElement('div');
    panel.className = `panel ${side}`;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', config.title);
    panel.hidden = true;
    frame = document.createElement('iframe');
    frame.title = config.title;
    frame.src = `${server}/widget/frame/${encodeURIComponent(channel)}?origin=${encodeURIComponent(location.origin)}`;
    panel.appendChild(frame);
    root.appendChild(panel);
    root.appendChild(button);
    root.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    (document.body || document.documentElement).appendChild(host);

    window.addEventListener('message', (e) => {
      if (e.source !== frame.contentWindow || e.origin !== server || !e.data || e.data.parley !== 1) return;
      const { type, data } = e.data;
      if (type === 'hello') {
        frameReady = true;
        frame.contentWindow.postMessage({ parley: 1, type: 'boot', data: { open: state.open, customer: state.customer, identity: state.identity, store: readStore() } }, server);
        toFrame.splice(0).forEach(([t, d]) => post(t, d));
        emit('ready');
      } else if (type === 'unread') setUnread(state.open ? 0 : data);
      else if (type === 'close') close();
      else if (type === 'store') writeStore(data);
      else if (type === 'clientMessage' || type === 'managerMessage') emit(type, data);
      else if (type === 'error') console.warn(`Parley: ${data}`);
    });
    if (state.open) {
      state.open = false;
      open();
    }
  }

  queued.forEach((args) => api.apply(null, args));
  fetch(`${server}/api/v1/widget/${encodeURIComponent(channel)}/config`, { credentials: 'omit' })
    .then((r) => (r.ok ? r.json() : r.json().then((p) => Promise.reject(new Error(p.detail || r.statusText)), () => Promise.reject(new Error(r.statusText)))))
    .then(render)
    .catch((e) => console.warn(`Parley: the chat widget is not available on this page: ${e.message}`));
})();
