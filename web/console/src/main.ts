import type { SiteConfig } from '../../shared/site-config.ts';
import { ApiClient, ApiError, describeError, type Me } from './api.ts';
import { TechnicianConsole } from './app.ts';
import { Auth } from './auth.ts';
import { SignInError } from './cognito.ts';
import { h, replaceChildren } from './dom.ts';
import { pickLanguage, translator, type Language, type Translate } from './i18n.ts';
import { renderSignIn } from './views/sign-in.ts';

const languageKey = 'console.language';

interface Technician {
  readonly username: string;
  readonly displayName: string;
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(languageKey);
  } catch {
    return null;
  }
}

async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch('/config.json', { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as SiteConfig;
}

/** Locally the config lists the seeded technicians; older runtimes only offer /dev/technicians. */
async function localTechnicians(config: SiteConfig): Promise<Technician[]> {
  if (config.auth.mode !== 'local') return [];
  if (config.auth.technicians.length > 0) return [...config.auth.technicians];
  try {
    const response = await fetch('/dev/technicians');
    const json = (await response.json()) as unknown;
    const list = Array.isArray(json) ? json : (json as { technicians?: unknown }).technicians;
    return Array.isArray(list) ? (list as Technician[]).filter((item) => typeof item?.username === 'string') : [];
  } catch {
    return [];
  }
}

function signInErrorText(error: unknown, t: Translate): string {
  if (error instanceof SignInError) {
    if (error.kind === 'state_mismatch') return t('error.cognitoState');
    if (error.kind === 'network') return t('error.network');
    return t('error.cognito', { message: error.message });
  }
  return describeError(error, t);
}

async function boot(root: HTMLElement): Promise<void> {
  let language: Language = pickLanguage(storedLanguage(), navigator.languages ?? [navigator.language]);
  const rememberLanguage = (next: Language): void => {
    language = next;
    try {
      localStorage.setItem(languageKey, next);
    } catch {
      // Private mode without storage: the choice lasts for this page only.
    }
  };

  let config: SiteConfig;
  try {
    config = await loadConfig();
  } catch {
    replaceChildren(
      root,
      h(
        'main',
        { class: 'sign-in' },
        h('h1', {}, translator(language)('appTitle')),
        h('p', { class: 'error', role: 'alert' }, translator(language)('error.config')),
      ),
    );
    return;
  }

  const auth = new Auth(config.auth, sessionStorage, (input, init) => fetch(input, init));
  const api = new ApiClient(
    config.apiBaseUrl,
    () => auth.token(),
    (input, init) => fetch(input, init),
  );
  const technicians = await localTechnicians(config);
  let running: TechnicianConsole | undefined;

  const showSignIn = (notice?: string): void => {
    running?.stop();
    running = undefined;
    const t = translator(language);
    renderSignIn({
      root,
      t,
      language,
      auth: config.auth,
      technicians,
      notice,
      onLanguageChange: (next) => {
        rememberLanguage(next);
        showSignIn(notice);
        document.getElementById('language-select')?.focus();
      },
      signIn: async (username) => {
        try {
          if (config.auth.mode === 'local' && username) {
            await auth.signInLocal(username);
            await showConsole();
          } else {
            window.location.assign(await auth.beginCognitoSignIn((bytes) => crypto.getRandomValues(bytes), crypto.subtle));
          }
        } catch (error) {
          throw new Error(signInErrorText(error, translator(language)));
        }
      },
    });
  };

  const signOut = (reason?: 'expired'): void => {
    const logout = auth.signOut();
    if (logout && reason !== 'expired') {
      running?.stop();
      window.location.assign(logout);
      return;
    }
    showSignIn(reason === 'expired' ? translator(language)('sessionExpired') : undefined);
  };

  const showConsole = async (): Promise<void> => {
    let me: Me;
    try {
      me = await api.me();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthorized') {
        auth.signOut();
        showSignIn(translator(language)('sessionExpired'));
        return;
      }
      throw error;
    }
    running = new TechnicianConsole({
      root,
      api,
      me,
      webSocketUrl: config.webSocketUrl,
      token: () => auth.token(),
      language,
      onLanguageChange: rememberLanguage,
      onSignOut: signOut,
      preferences: localStorage,
    });
    await running.start();
  };

  try {
    if (await auth.completeCognitoSignIn(new URL(window.location.href))) {
      window.history.replaceState(null, '', window.location.pathname);
    }
  } catch (error) {
    window.history.replaceState(null, '', window.location.pathname);
    showSignIn(signInErrorText(error, translator(language)));
    return;
  }

  if (!auth.isSignedIn()) {
    showSignIn();
    return;
  }
  auth.resume();
  try {
    await showConsole();
  } catch (error) {
    showSignIn(describeError(error, translator(language)));
  }
}

const root = document.getElementById('app');
if (root) void boot(root);
