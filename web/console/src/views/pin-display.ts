import type { ViewContext } from '../context.ts';
import { h, setText } from '../dom.ts';
import { formatDuration, groupPin, secondsUntil, spokenDigits } from '../format.ts';

export interface PinDisplay {
  readonly elements: HTMLElement[];
  readonly copyButton: HTMLButtonElement;
  /** Stops the countdown; call when the display goes away. */
  dispose(): void;
}

/**
 * The PIN as the technician reads it out: large, in two groups of three
 * spaced by CSS (so a copy yields the bare digits), read digit by digit to
 * screen readers, with a copy button and its validity counting down.
 */
export function createPinDisplay(ctx: ViewContext, customerName: string, pin: string, expiresAt: string): PinDisplay {
  const { t } = ctx;
  const countdown = h('p', { class: 'pin-countdown' });
  const copyStatus = h('p', { class: 'copy-status', role: 'status' });
  const copyButton = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      onclick: () => {
        void copyText(pin).then((copied) => setText(copyStatus, copied ? t('copied') : t('copyFailed')));
      },
    },
    t('copyPin'),
  );
  let timer: ReturnType<typeof setInterval> | undefined;
  const dispose = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const tick = (): void => {
    const left = secondsUntil(expiresAt, ctx.now());
    setText(countdown, left > 0 ? t('pinValidFor', { time: formatDuration(left * 1000) }) : t('pinExpired'));
    if (left === 0) {
      countdown.classList.add('expired');
      ctx.announce(t('pinExpired'));
      dispose();
    }
  };
  tick();
  timer = setInterval(tick, 1000);
  return {
    elements: [
      h(
        'div',
        { class: 'pin-result', role: 'status' },
        h('p', { class: 'pin-caption' }, t('pinCodeFor', { name: customerName })),
        h('p', { class: 'visually-hidden' }, t('pinSpoken', { digits: spokenDigits(pin) })),
      ),
      h(
        'p',
        { class: 'pin', 'aria-hidden': 'true', 'data-pin': pin },
        ...groupPin(pin).map((group) => h('span', { class: 'pin-group' }, group)),
      ),
      h('div', { class: 'pin-actions' }, copyButton, countdown),
      copyStatus,
      h('p', { class: 'hint' }, t('pinCodeInstructions')),
    ],
    copyButton,
    dispose,
  };
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
