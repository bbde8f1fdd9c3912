// The console's small browser side: sound and notifications, keyboard shortcuts, the composer's Enter key and files,
// loading more chats on scroll, sign-out, and Blazor's start with a patient reconnect (the banner shows meanwhile).
(() => {
  const mutedKey = 'parley.muted';
  let chat = null;
  let observer = null;
  let audio = null;

  const isMuted = () => localStorage.getItem(mutedKey) === '1';
  const askPermission = () => {
    if ('Notification' in window && Notification.permission === 'default' && !isMuted()) Notification.requestPermission();
  };
  // Browsers start an AudioContext only after the person has interacted with the page; one made by a server push
  // before that stays suspended and plays nothing. So the first click or key makes (or wakes) it.
  const unlockAudio = () => {
    try {
      audio ??= new AudioContext();
      if (audio.state === 'suspended') audio.resume();
    } catch { /* no audio device: the notification is enough */ }
  };
  const beep = () => {
    if (!audio || audio.state !== 'running') return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  };
  // A person looking at the console sees the chat arrive; the system notification is for when they look elsewhere.
  const notify = (title, body, tag) => {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    if (!document.hidden && document.hasFocus()) return;
    const n = new Notification(title, { body, tag, lang: document.documentElement.lang });
    n.onclick = () => { window.focus(); n.close(); };
  };

  window.parleyConsole = {
    isMuted,
    setMuted: (muted) => { localStorage.setItem(mutedKey, muted ? '1' : '0'); if (!muted) askPermission(); },
    signOut: async () => {
      try {
        await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' });
      } finally {
        location.assign('/login');
      }
    },
    attach: (ref) => { chat = ref; },
    detach: () => { chat = null; observer?.disconnect(); },
    observeMore: (element) => {
      observer?.disconnect();
      if (!element) return;
      observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) chat?.invokeMethodAsync('LoadMoreAsync');
      });
      observer.observe(element);
    },
    scrollToEnd: (id) => {
      const element = document.getElementById(id);
      if (element) element.scrollTop = element.scrollHeight;
    },
    // Enter sends and Shift+Enter breaks the line: the browser must not insert the newline Blazor cannot cancel per key.
    composer: (textarea) => {
      textarea.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) e.preventDefault();
        if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && textarea.dataset.picker === 'open') e.preventDefault();
      });
    },
    // The paperclip opens the composer's hidden file input (Blazor's InputFile reads it) in the click itself, as a
    // browser opens a file chooser only during a person's gesture; files dropped on the composer go to the same input.
    // The input is looked up each time: Blazor may render it anew when the chat changes hands.
    composerFiles: (zone) => {
      if (zone.dataset.files === 'ready') return;
      const input = () => zone.querySelector('input[type=file]');
      const carriesFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
      zone.addEventListener('click', (e) => {
        if (e.target instanceof Element && e.target.closest('[data-attach]')) input()?.click();
      });
      zone.addEventListener('dragover', (e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        zone.classList.add('dropping');
      });
      zone.addEventListener('dragleave', (e) => {
        if (!zone.contains(e.relatedTarget)) zone.classList.remove('dropping');
      });
      zone.addEventListener('drop', (e) => {
        zone.classList.remove('dropping');
        const target = input();
        if (!target || !carriesFiles(e) || e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        target.files = e.dataTransfer.files;
        target.dispatchEvent(new Event('change', { bubbles: true }));
      });
      zone.dataset.files = 'ready';
    },
    // Muting is kept in the browser, so it holds across reloads and for every open console tab.
    alert: (title, body, tag) => {
      if (isMuted()) return;
      beep();
      notify(title, body, tag);
    },
    // The page around the circuit (<html lang>, the lost-connection banner) speaks the console's language too.
    setLanguage: (language, texts) => {
      document.documentElement.lang = language;
      document.querySelectorAll('[data-text]').forEach((e) => { if (texts[e.dataset.text]) e.textContent = texts[e.dataset.text]; });
    },
  };

  // Browsers allow the permission prompt and sound only after a gesture.
  document.addEventListener('click', askPermission, { once: true });
  ['pointerdown', 'keydown'].forEach((name) => document.addEventListener(name, unlockAudio, { capture: true }));

  document.addEventListener('keydown', (e) => {
    const inField = e.target instanceof Element && e.target.matches('input, textarea, select');
    let name = null;
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      name = { ArrowDown: 'next', ArrowUp: 'previous', KeyR: 'accept', KeyF: 'finish', KeyQ: 'quickReplies', KeyK: 'search' }[e.code] ?? null;
    } else if (e.key === '?' && !inField) {
      name = 'help';
    } else if (e.key === 'Escape') {
      name = 'escape';
    }
    if (!name) return;
    if (name === 'search') {
      e.preventDefault();
      document.getElementById('search')?.focus();
      return;
    }
    if (chat) {
      if (name !== 'escape') e.preventDefault();
      chat.invokeMethodAsync('OnShortcut', name);
    }
  });

  Blazor.start({
    circuit: {
      reconnectionOptions: { maxRetries: 1000, retryIntervalMilliseconds: (attempt) => Math.min(1000 * (attempt + 1), 5000) },
    },
  });
})();
