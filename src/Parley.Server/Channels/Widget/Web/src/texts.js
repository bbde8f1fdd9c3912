// The widget's own words, in the visitor's language (navigator.language, or customerData.language when the site sets it).
const all = {
  en: {
    placeholder: 'Type a message…', send: 'Send', attach: 'Attach a file', close: 'Close chat', sending: 'Sending…', seen: 'Seen',
    notSent: 'Not sent', retry: 'Retry', deleted: 'Message deleted', edited: 'edited', offline: 'You are offline. Messages will be sent when the connection is back.',
    reconnecting: 'Connection lost. Reconnecting…', signIn: 'Please sign in on the site to chat with us.',
    fileTooLarge: 'The file is too large: files can be at most 10 MB.', fileType: 'This type of file cannot be sent. Send an image, PDF, text or office document.',
    prechatIntro: 'Before we start, please tell us how to reach you.', name: 'Name', email: 'Email', phone: 'Phone', start: 'Start chat',
    tooLong: (n) => `Your message is too long: ${n} characters. Please keep it within 4,000.`,
    uploading: (name) => `Uploading ${name}…`, typing: (name) => `${name} is typing…`, rate: (n) => `Rate ${n} out of 5`,
    invalid: (field) => `Please check the field “${field}”.`,
  },
  uk: {
    placeholder: 'Напишіть повідомлення…', send: 'Надіслати', attach: 'Прикріпити файл', close: 'Закрити чат', sending: 'Надсилається…', seen: 'Переглянуто',
    notSent: 'Не надіслано', retry: 'Повторити', deleted: 'Повідомлення видалено', edited: 'змінено', offline: 'Немає з’єднання. Повідомлення надійдуть, щойно воно відновиться.',
    reconnecting: 'З’єднання втрачено. Підключаємося…', signIn: 'Увійдіть на сайті, щоб написати нам.',
    fileTooLarge: 'Файл завеликий: не більше 10 МБ.', fileType: 'Такий тип файлу не можна надіслати. Надішліть зображення, PDF, текст або офісний документ.',
    prechatIntro: 'Перш ніж почати, залиште, будь ласка, контакти.', name: 'Ім’я', email: 'Email', phone: 'Телефон', start: 'Почати чат',
    tooLong: (n) => `Повідомлення задовге: ${n} символів. Не більше 4000.`,
    uploading: (name) => `Завантажуємо ${name}…`, typing: (name) => `${name} друкує…`, rate: (n) => `Оцінка ${n} з 5`,
    invalid: (field) => `Перевірте поле «${field}».`,
  },
};

export function texts(language, fallback) {
  const pick = (code) => code && all[String(code).toLowerCase().split(/[-_]/)[0]];
  const chosen = pick(language) || pick(fallback) || all.en;
  return Object.assign({ lang: Object.keys(all).find((k) => all[k] === chosen) }, chosen);
}
