// i18n.js: every visible string of the web client, in English and German.
//
// The language follows the browser (navigator.languages): German for any
// "de-*", English otherwise. Markup names its strings with data attributes
// that applyI18n() fills in; scripts call t().
//
//   import { t, applyI18n, lang } from './i18n.js';
//   applyI18n(document);                  // data-i18n, data-i18n-aria-label, ...
//   t('rooms.participants', { n: 3 });    // "3 in the conference"
//   p.append(...tParts('phone.text', { number: link, pin: strong }));

const STRINGS = {
  en: {
    'app.name': 'konfero',
    'common.loading': 'Loading…',
    'common.cancel': 'Cancel',
    'common.ok': 'OK',
    'common.tryAgain': 'Try again',

    'login.title': 'Sign in',
    'login.intro': 'Sign in to start and manage your conferences.',
    'login.user': 'User name',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.failed': 'Wrong user name or password.',
    'login.locked': 'Too many attempts. Please wait a few minutes and try again.',

    'rooms.title': 'Your conference rooms',
    'rooms.signedInAs': 'Signed in as {name}',
    'rooms.logout': 'Sign out',
    'rooms.newName': 'Name of the new room',
    'rooms.create': 'Create room',
    'rooms.empty': 'You have no rooms yet. Create one above.',
    'rooms.participants.one': '1 in the conference',
    'rooms.participants.other': '{n} in the conference',
    'rooms.guestsWaiting': 'Guests are waiting',
    'rooms.allowGuests': 'Allow guests',
    'rooms.private': 'Only members can join. Allow guests to get a dial-in number, PIN and link.',
    'rooms.dialIn': 'Dial-in number',
    'rooms.pin': 'PIN',
    'rooms.url': 'Link',
    'rooms.copy': 'Copy invitation',
    'rooms.copied': 'Invitation copied to the clipboard.',
    'rooms.copyFailed': 'Could not copy. Please select the text and copy it yourself.',
    'rooms.regenerate': 'New PIN and link',
    'rooms.regenerateConfirm': 'Issue a new PIN and link for {room}? The current ones stop working at once.',
    'rooms.regenerated': 'New PIN and link issued.',
    'rooms.makePrivateConfirm': 'Stop allowing guests in {room}? Guests in the conference are removed and the PIN and link stop working.',
    'rooms.makePrivate': 'Stop allowing guests',
    'rooms.join': 'Join',
    'rooms.joinRoom': 'Join the conference in {room}',
    'rooms.state.idle': 'No conference',
    'rooms.state.waiting': 'Guests waiting',
    'rooms.state.running': 'Conference running',
    'rooms.state.on_hold': 'On hold',

    'name.title': 'Join the conference',
    'name.room': 'Conference: {room}',
    'name.running': 'The conference is running: you join it straight away.',
    'name.waiting': 'No moderator is in the conference: you wait until one joins.',
    'name.label': 'Your name',
    'name.hint': 'Others in the conference will see this name.',
    'name.submit': 'Join',
    'name.devices': 'Your browser will ask to use your camera and microphone.',
    'name.required': 'Please enter your name.',
    'name.invalid': 'Please enter a name of up to 64 characters.',

    'waiting.title': 'Please wait',
    'waiting.text': 'The conference starts as soon as a moderator joins',
    'waiting.preview': 'Your camera',

    'phone.title': 'Join by phone',
    'phone.text': 'Dial {number} and enter PIN {pin} followed by #',
    'phone.hint': 'Audio only: you hear the conference and others hear you.',

    'conf.you': 'You',
    'conf.youSuffix': '{name} (you)',
    'conf.screenOf': '{name} (screen)',
    'conf.micOff': 'Turn microphone off',
    'conf.micOn': 'Turn microphone on',
    'conf.camOff': 'Turn camera off',
    'conf.camOn': 'Turn camera on',
    'conf.shareStart': 'Share your screen',
    'conf.shareStop': 'Stop sharing your screen',
    'conf.shareFailed': 'Screen sharing could not start.',
    'conf.leave': 'Leave the conference',
    'conf.controls': 'Conference controls',
    'conf.stage': 'Videos',
    'conf.participants': 'Participants',
    'conf.chat': 'Chat',
    'conf.closePanel': 'Close the panel',
    'conf.role.moderator': 'Moderator',
    'conf.role.browser_guest': 'Guest',
    'conf.role.phone_guest': 'Phone guest',
    'conf.waiting': 'waiting',
    'conf.muted': 'Microphone off',
    'conf.kick': 'Remove {name} from the conference',
    'conf.kickConfirm': 'Remove {name} from the conference? They cannot rejoin this conference.',
    'conf.kickOk': 'Remove',
    'conf.mute': 'Mute {name}',
    'conf.mutedByModerator': 'A moderator muted your microphone.',
    'conf.chatPlaceholder': 'Write a message',
    'conf.chatLabel': 'Message',
    'conf.send': 'Send',
    'conf.chatEmpty': 'No messages yet.',
    'conf.chatFailed': 'The message could not be sent.',
    'conf.noDevices': 'Camera and microphone are not available. You can still listen, watch and chat.',
    'conf.noCamera': 'No camera available. You take part with your microphone.',
    'conf.state.running': 'Conference running',
    'conf.state.on_hold': 'On hold',
    'conf.state.waiting': 'Waiting',
    'conf.state.idle': 'Idle',

    'net.reconnecting': 'Connection lost. Reconnecting…',
    'net.mediaReconnecting': 'Media connection interrupted. Reconnecting…',
    'net.reconnected': 'Connected again.',

    'page.kicked.title': 'You were removed from the conference',
    'page.kicked.text': 'A moderator ended the conference for you.',
    'page.notPublic.title': 'This conference is not public any more',
    'page.notPublic.text': 'The organiser no longer allows guests in this room.',
    'page.badUrl.title': 'This link is not valid',
    'page.badUrl.text': 'Please check the link in your invitation, or ask the organiser for a new one.',
    'page.noLicence.title': 'No guest seat is free right now, please try again later',
    'page.noLicence.text': 'All guest seats of this server are taken.',
    'page.guestLimit.title': 'No guest seat is free right now, please try again later',
    'page.guestLimit.text': 'This conference, or your network, already has as many guests as it may have at once.',
    'page.banned.title': 'You cannot join this conference',
    'page.banned.text': 'A moderator removed you from this conference.',
    'page.error.title': 'Something went wrong',
    'page.error.text': 'The conference could not be reached. Please try again.',
    'page.left.title': 'You left the conference',
    'page.left.text': 'You can join again as long as the conference is open.',
    'page.left.rejoin': 'Join again',
    'page.ended.title': 'The conference has ended',
    'page.ended.text': 'The room is no longer available.',
  },
  de: {
    'app.name': 'konfero',
    'common.loading': 'Wird geladen…',
    'common.cancel': 'Abbrechen',
    'common.ok': 'OK',
    'common.tryAgain': 'Erneut versuchen',

    'login.title': 'Anmelden',
    'login.intro': 'Melden Sie sich an, um Ihre Konferenzen zu starten und zu verwalten.',
    'login.user': 'Benutzername',
    'login.password': 'Passwort',
    'login.submit': 'Anmelden',
    'login.failed': 'Benutzername oder Passwort ist falsch.',
    'login.locked': 'Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.',

    'rooms.title': 'Ihre Konferenzräume',
    'rooms.signedInAs': 'Angemeldet als {name}',
    'rooms.logout': 'Abmelden',
    'rooms.newName': 'Name des neuen Raums',
    'rooms.create': 'Raum erstellen',
    'rooms.empty': 'Sie haben noch keine Räume. Erstellen Sie oben einen.',
    'rooms.participants.one': '1 in der Konferenz',
    'rooms.participants.other': '{n} in der Konferenz',
    'rooms.guestsWaiting': 'Gäste warten',
    'rooms.allowGuests': 'Gäste zulassen',
    'rooms.private': 'Nur Mitglieder können beitreten. Lassen Sie Gäste zu, um Einwahlnummer, PIN und URL zu erhalten.',
    'rooms.dialIn': 'Einwahlnummer',
    'rooms.pin': 'PIN',
    'rooms.url': 'URL',
    'rooms.copy': 'In Zwischenablage kopieren',
    'rooms.copied': 'Die Einladung wurde in die Zwischenablage kopiert.',
    'rooms.copyFailed': 'Kopieren nicht möglich. Bitte markieren und kopieren Sie den Text selbst.',
    'rooms.regenerate': 'Neue PIN und URL',
    'rooms.regenerateConfirm': 'Neue PIN und URL für {room} erzeugen? Die bisherigen gelten sofort nicht mehr.',
    'rooms.regenerated': 'Neue PIN und URL erzeugt.',
    'rooms.makePrivateConfirm': 'Gäste in {room} nicht mehr zulassen? Gäste in der Konferenz werden entfernt, PIN und URL gelten nicht mehr.',
    'rooms.makePrivate': 'Gäste nicht mehr zulassen',
    'rooms.join': 'Beitreten',
    'rooms.joinRoom': 'Der Konferenz in {room} beitreten',
    'rooms.state.idle': 'Keine Konferenz',
    'rooms.state.waiting': 'Gäste warten',
    'rooms.state.running': 'Konferenz läuft',
    'rooms.state.on_hold': 'Gehalten',

    'name.title': 'Der Konferenz beitreten',
    'name.room': 'Konferenz: {room}',
    'name.running': 'Die Konferenz läuft: Sie nehmen sofort teil.',
    'name.waiting': 'Gerade ist kein Moderator da: Sie warten, bis einer beitritt.',
    'name.label': 'Ihr Name',
    'name.hint': 'Die anderen Teilnehmer sehen diesen Namen.',
    'name.submit': 'Beitreten',
    'name.devices': 'Ihr Browser fragt nach Zugriff auf Kamera und Mikrofon.',
    'name.required': 'Bitte geben Sie Ihren Namen ein.',
    'name.invalid': 'Bitte geben Sie einen Namen mit höchstens 64 Zeichen ein.',

    'waiting.title': 'Bitte warten Sie',
    'waiting.text': 'Die Konferenz beginnt, sobald ein Moderator beitritt',
    'waiting.preview': 'Ihre Kamera',

    'phone.title': 'Per Telefon teilnehmen',
    'phone.text': 'Wählen Sie {number} und geben Sie die PIN {pin} ein, gefolgt von #',
    'phone.hint': 'Nur Ton: Sie hören die Konferenz, die anderen hören Sie.',

    'conf.you': 'Sie',
    'conf.youSuffix': '{name} (Sie)',
    'conf.screenOf': '{name} (Bildschirm)',
    'conf.micOff': 'Mikrofon ausschalten',
    'conf.micOn': 'Mikrofon einschalten',
    'conf.camOff': 'Kamera ausschalten',
    'conf.camOn': 'Kamera einschalten',
    'conf.shareStart': 'Bildschirm teilen',
    'conf.shareStop': 'Bildschirmfreigabe beenden',
    'conf.shareFailed': 'Die Bildschirmfreigabe konnte nicht starten.',
    'conf.leave': 'Konferenz verlassen',
    'conf.controls': 'Konferenzsteuerung',
    'conf.stage': 'Videos',
    'conf.participants': 'Teilnehmer',
    'conf.chat': 'Chat',
    'conf.closePanel': 'Bereich schließen',
    'conf.role.moderator': 'Moderator',
    'conf.role.browser_guest': 'Gast',
    'conf.role.phone_guest': 'Telefongast',
    'conf.waiting': 'wartet',
    'conf.muted': 'Mikrofon aus',
    'conf.kick': '{name} aus der Konferenz entfernen',
    'conf.kickConfirm': '{name} aus der Konferenz entfernen? Der Teilnehmer kann dieser Konferenz nicht wieder beitreten.',
    'conf.kickOk': 'Entfernen',
    'conf.mute': '{name} stummschalten',
    'conf.mutedByModerator': 'Ein Moderator hat Ihr Mikrofon stummgeschaltet.',
    'conf.chatPlaceholder': 'Nachricht schreiben',
    'conf.chatLabel': 'Nachricht',
    'conf.send': 'Senden',
    'conf.chatEmpty': 'Noch keine Nachrichten.',
    'conf.chatFailed': 'Die Nachricht konnte nicht gesendet werden.',
    'conf.noDevices': 'Kamera und Mikrofon sind nicht verfügbar. Sie können zuhören, zusehen und chatten.',
    'conf.noCamera': 'Keine Kamera verfügbar. Sie nehmen mit Ihrem Mikrofon teil.',
    'conf.state.running': 'Konferenz läuft',
    'conf.state.on_hold': 'Gehalten',
    'conf.state.waiting': 'Wartet',
    'conf.state.idle': 'Ruht',

    'net.reconnecting': 'Verbindung unterbrochen. Neuer Verbindungsversuch…',
    'net.mediaReconnecting': 'Medienverbindung unterbrochen. Neuer Verbindungsversuch…',
    'net.reconnected': 'Wieder verbunden.',

    'page.kicked.title': 'Sie wurden aus der Konferenz entfernt',
    'page.kicked.text': 'Ein Moderator hat die Konferenz für Sie beendet.',
    'page.notPublic.title': 'Diese Konferenz ist nicht mehr öffentlich',
    'page.notPublic.text': 'Der Veranstalter lässt in diesem Raum keine Gäste mehr zu.',
    'page.badUrl.title': 'Dieser Link ist ungültig',
    'page.badUrl.text': 'Bitte prüfen Sie den Link in Ihrer Einladung oder fragen Sie den Veranstalter nach einem neuen.',
    'page.noLicence.title': 'Zurzeit ist kein Gastplatz frei, bitte versuchen Sie es später noch einmal',
    'page.noLicence.text': 'Alle Gastplätze dieses Servers sind belegt.',
    'page.guestLimit.title': 'Zurzeit ist kein Gastplatz frei, bitte versuchen Sie es später noch einmal',
    'page.guestLimit.text': 'Diese Konferenz oder Ihr Netzwerk hat schon so viele Gäste, wie gleichzeitig teilnehmen dürfen.',
    'page.banned.title': 'Sie können dieser Konferenz nicht beitreten',
    'page.banned.text': 'Ein Moderator hat Sie aus dieser Konferenz entfernt.',
    'page.error.title': 'Etwas ist schiefgegangen',
    'page.error.text': 'Die Konferenz ist nicht erreichbar. Bitte versuchen Sie es erneut.',
    'page.left.title': 'Sie haben die Konferenz verlassen',
    'page.left.text': 'Sie können wieder beitreten, solange die Konferenz offen ist.',
    'page.left.rejoin': 'Wieder beitreten',
    'page.ended.title': 'Die Konferenz ist beendet',
    'page.ended.text': 'Der Raum ist nicht mehr verfügbar.',
  },
};

function pickLanguage() {
  const wanted = (navigator.languages && navigator.languages.length)
    ? navigator.languages : [navigator.language || 'en'];
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base in STRINGS) return base;
  }
  return 'en';
}

export const lang = pickLanguage();

// The string for `key` with {placeholders} filled from `params`; English
// if the key has no translation, the key itself if it has none at all.
export function t(key, params = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// t() with {placeholders} filled by DOM nodes (a number as a link, say):
// the parts in order, for append().
export function tParts(key, nodes) {
  const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return text.split(/(\{\w+\})/).filter(Boolean).map(part => {
    const name = /^\{(\w+)\}$/.exec(part);
    return name && name[1] in nodes ? nodes[name[1]] : part;
  });
}

// "1 in the conference" / "3 in the conference".
export function plural(key, n) {
  return t(`${key}.${n === 1 ? 'one' : 'other'}`, { n });
}

const ATTRIBUTES = [
  ['i18nAriaLabel', 'aria-label'],
  ['i18nPlaceholder', 'placeholder'],
  ['i18nTitle', 'title'],
];

// Fills the strings named by data-i18n (text), data-i18n-aria-label,
// data-i18n-placeholder and data-i18n-title below `root`.
export function applyI18n(root = document) {
  if (root === document) document.documentElement.lang = lang;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const [dataKey, attribute] of ATTRIBUTES) {
    const selector = `[data-${dataKey.replace(/[A-Z]/g, c => '-' + c.toLowerCase())}]`;
    for (const node of root.querySelectorAll(selector)) node.setAttribute(attribute, t(node.dataset[dataKey]));
  }
}
