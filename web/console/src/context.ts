import type { ApiClient, Me } from './api.ts';
import type { Language, Translate } from './i18n.ts';

/** What every view needs: words, formats and the service. */
export interface ViewContext {
  readonly t: Translate;
  readonly language: Language;
  readonly locale: string;
  readonly api: ApiClient;
  readonly me: Me;
  /** Reads text to screen-reader users without moving focus. */
  readonly announce: (text: string, urgency?: 'polite' | 'assertive') => void;
  readonly now: () => number;
}
