import type { SessionView } from '../../../../contracts/schemas/session.ts';
import type { ViewContext } from '../context.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { languageNames, languages, type Language } from '../i18n.ts';
import type { LiveState } from '../live.ts';
import { groupList, type NewSessionDialog } from './new-session-dialog.ts';
import type { SessionList } from './session-list.ts';

export interface ConsoleShellActions {
  readonly switchLanguage: (language: Language) => void;
  readonly signOut: () => void;
  readonly newSession: () => void;
  readonly soundToggled: (on: boolean) => void;
  /** The Open button of an arrival notice. */
  readonly openArrival: (id: string) => void;
}

/**
 * The page around the sessions: top bar (who, language, sign out), toolbar
 * with New session, sound preference, live-connection status, the arrival
 * notices, the page title, the live regions, and the places the session list
 * and the session tabs go. Draws what it is given; keeps no state of its own.
 */
export class ConsoleShell {
  readonly tablist: HTMLDivElement;
  readonly panelHost: HTMLDivElement;
  readonly noOpen: HTMLParagraphElement;
  readonly #liveStatus: HTMLParagraphElement;
  readonly #arrivals: HTMLUListElement;
  readonly #globalError: HTMLParagraphElement;
  readonly #politeAnnouncer: HTMLDivElement;
  readonly #assertiveAnnouncer: HTMLDivElement;

  constructor(
    private readonly ctx: ViewContext,
    root: HTMLElement,
    parts: { readonly soundOn: boolean; readonly list: SessionList; readonly dialog: NewSessionDialog },
    private readonly actions: ConsoleShellActions,
  ) {
    const { t, me } = ctx;
    const languageSelect = h(
      'select',
      { id: 'language-select', onchange: (event) => actions.switchLanguage((event.target as HTMLSelectElement).value as Language) },
      ...languages.map((language) =>
        h('option', { value: language, lang: language, selected: language === ctx.language }, languageNames[language]),
      ),
    );
    const header = h(
      'header',
      { class: 'topbar' },
      h('h1', {}, t('appTitle')),
      h(
        'p',
        { class: 'who' },
        t('signedInAs', { name: me.displayName }),
        h('span', { class: 'groups' }, t('groupsLabel', { groups: groupList(ctx) })),
      ),
      h(
        'div',
        { class: 'topbar-controls' },
        h('label', { for: 'language-select' }, t('language')),
        languageSelect,
        h('button', { type: 'button', class: 'secondary', onclick: () => actions.signOut() }, t('signOut')),
      ),
    );

    const canCreate = me.permissions.privateSessions;
    const explanationId = 'new-session-explanation';
    const newSessionButton = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        'aria-disabled': canCreate ? undefined : 'true',
        'aria-describedby': canCreate ? undefined : explanationId,
        'aria-keyshortcuts': 'Alt+Shift+N',
        onclick: () => actions.newSession(),
      },
      t('newSession'),
    );
    // The dialog may be opened by the shortcut from anywhere; closing it always lands on its opener.
    parts.dialog.element.addEventListener('close', () => newSessionButton.focus());
    const toolbar = h(
      'div',
      { role: 'toolbar', 'aria-label': t('sessionToolbar'), class: 'toolbar' },
      h('span', { class: 'toolbar-label', 'aria-hidden': 'true' }, t('sessionToolbar')),
      newSessionButton,
    );
    const explanation = canCreate
      ? null
      : h('p', { id: explanationId, class: 'explanation' }, t('noSessionPermission', { groups: groupList(ctx) }));

    this.#liveStatus = h('p', { class: 'live-status', role: 'status' });
    const soundToggle = h('input', {
      type: 'checkbox',
      id: 'sound-toggle',
      checked: parts.soundOn,
      onchange: (event) => actions.soundToggled((event.target as HTMLInputElement).checked),
    });
    this.#arrivals = h('ul', { class: 'arrivals', 'aria-label': t('waitingCustomers') });
    this.#globalError = h('p', { class: 'error', role: 'alert' });
    this.tablist = h('div', { role: 'tablist', 'aria-label': t('openSessions'), class: 'session-tabs' });
    this.panelHost = h('div', { class: 'panels' });
    this.noOpen = h('p', { class: 'empty' }, t('noOpenSession'));
    this.#politeAnnouncer = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });
    this.#assertiveAnnouncer = h('div', { class: 'visually-hidden', 'aria-live': 'assertive' });

    replaceChildren(
      root,
      header,
      h(
        'main',
        {},
        h(
          'div',
          { class: 'toolbar-row' },
          toolbar,
          explanation,
          h('div', { class: 'preferences' }, soundToggle, h('label', { for: 'sound-toggle' }, t('soundOnArrival'))),
          this.#liveStatus,
        ),
        this.#globalError,
        this.#arrivals,
        h(
          'div',
          { class: 'layout' },
          parts.list.element,
          h('section', { class: 'detail', 'aria-label': t('openSessions') }, this.tablist, this.noOpen, this.panelHost),
        ),
      ),
      parts.dialog.element,
      this.#politeAnnouncer,
      this.#assertiveAnnouncer,
    );
  }

  renderConnection(connection: LiveState): void {
    const { t } = this.ctx;
    const text =
      connection.kind === 'open'
        ? t('liveConnected')
        : connection.kind === 'connecting'
          ? t('liveConnecting')
          : t('liveReconnecting', { seconds: Math.max(1, Math.round(connection.inMilliseconds / 1000)) });
    setText(this.#liveStatus, text);
    this.#liveStatus.className = `live-status live-${connection.kind}`;
  }

  renderTitle(waiting: number): void {
    const title = this.ctx.t('appTitle');
    document.title = waiting > 0 ? `(${waiting}) ${title}` : title;
  }

  setError(text: string): void {
    setText(this.#globalError, text);
  }

  announce(text: string, urgency: 'polite' | 'assertive' = 'polite'): void {
    const region = urgency === 'assertive' ? this.#assertiveAnnouncer : this.#politeAnnouncer;
    // Clearing first makes a repeated identical sentence be read again.
    region.textContent = '';
    setTimeout(() => {
      region.textContent = text;
    }, 50);
  }

  /** Shows the notice for a waiting customer; returns its sentence, or undefined when it was already shown. */
  showArrival(session: SessionView): string | undefined {
    const { t } = this.ctx;
    if (this.#arrivals.querySelector(`[data-session-id="${CSS.escape(session.id)}"]`)) return undefined;
    const text = t('customerWaiting', { name: session.customerName });
    this.#arrivals.appendChild(
      h(
        'li',
        { 'data-session-id': session.id },
        h('span', {}, text),
        h('button', { type: 'button', class: 'primary small', onclick: () => this.actions.openArrival(session.id) }, t('open')),
      ),
    );
    return text;
  }

  hideArrival(id: string): void {
    this.#arrivals.querySelector(`[data-session-id="${CSS.escape(id)}"]`)?.remove();
  }
}
