import type { SiteAuthConfig } from '../../../shared/site-config.ts';
import { h, replaceChildren, setText } from '../dom.ts';
import { languageNames, languages, type Language, type Translate } from '../i18n.ts';

export interface SignInOptions {
  readonly root: HTMLElement;
  readonly t: Translate;
  readonly language: Language;
  readonly auth: SiteAuthConfig;
  /** Local mode: the seeded technicians (from config.json or /dev/technicians). */
  readonly technicians: readonly { readonly username: string; readonly displayName: string }[];
  readonly notice?: string;
  readonly onLanguageChange: (language: Language) => void;
  /** Resolves when signed in; rejects with a sentence to show. */
  readonly signIn: (username?: string) => Promise<void>;
}

/** The sign-in screen: a choice of technicians locally, one button to the hosted UI in AWS. */
export function renderSignIn(options: SignInOptions): void {
  const { t } = options;
  document.documentElement.lang = options.language;
  document.title = `${t('signInHeading')} – ${t('appTitle')}`;
  const error = h('p', { class: 'error', role: 'alert' }, options.notice ?? '');
  const buttons: HTMLButtonElement[] = [];
  const run = async (button: HTMLButtonElement, username?: string): Promise<void> => {
    for (const other of buttons) other.disabled = true;
    const label = button.textContent ?? '';
    setText(button, t('signingIn'));
    setText(error, '');
    try {
      await options.signIn(username);
    } catch (problem) {
      setText(error, problem instanceof Error ? problem.message : String(problem));
      for (const other of buttons) other.disabled = false;
      setText(button, label);
      button.focus();
    }
  };
  let choices: HTMLElement;
  if (options.auth.mode === 'local') {
    choices =
      options.technicians.length === 0
        ? h('p', { class: 'error' }, t('error.noTechnicians'))
        : h(
            'ul',
            { class: 'technicians' },
            ...options.technicians.map((technician) => {
              const button = h(
                'button',
                { type: 'button', class: 'primary', 'data-username': technician.username },
                t('signInAs', { name: technician.displayName }),
              );
              button.addEventListener('click', () => void run(button, technician.username));
              buttons.push(button);
              return h('li', {}, button, h('span', { class: 'username' }, technician.username));
            }),
          );
  } else {
    const button = h('button', { type: 'button', class: 'primary' }, t('signInCognito'));
    button.addEventListener('click', () => void run(button));
    buttons.push(button);
    choices = button;
  }
  const languageSelect = h(
    'select',
    { id: 'language-select', onchange: (event) => options.onLanguageChange((event.target as HTMLSelectElement).value as Language) },
    ...languages.map((language) =>
      h('option', { value: language, lang: language, selected: language === options.language }, languageNames[language]),
    ),
  );
  replaceChildren(
    options.root,
    h(
      'header',
      { class: 'topbar' },
      h('p', { class: 'brand' }, t('appTitle')),
      h('div', { class: 'topbar-controls' }, h('label', { for: 'language-select' }, t('language')), languageSelect),
    ),
    h(
      'main',
      { class: 'sign-in' },
      h('h1', {}, t('signInHeading')),
      h('p', {}, options.auth.mode === 'local' ? t('signInIntro') : ''),
      error,
      choices,
      options.auth.mode === 'local' ? h('p', { class: 'hint' }, t('signInLocalNote')) : null,
    ),
  );
  buttons[0]?.focus();
}
