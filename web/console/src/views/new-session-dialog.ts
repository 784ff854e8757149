import type { SessionView } from '../../../../contracts/schemas/session.ts';
import { describeError } from '../api.ts';
import type { ViewContext } from '../context.ts';
import { h, replaceChildren, setText, uniqueId } from '../dom.ts';
import { createPinDisplay, type PinDisplay } from './pin-display.ts';

export const maxCustomerNameLength = 100;

export function groupList(ctx: ViewContext): string {
  return ctx.me.groups.length > 0 ? ctx.me.groups.join(', ') : ctx.t('noGroups');
}

/**
 * The seed's "Create new session" window: a Name field and a "PIN code" tab
 * whose "Create PIN code" button creates the session and its PIN in one go,
 * then shows the PIN large with a copy button and its validity counting down.
 */
export class NewSessionDialog {
  readonly element: HTMLDialogElement;
  readonly #name: HTMLInputElement;
  readonly #nameError: HTMLParagraphElement;
  readonly #panel: HTMLDivElement;
  readonly #error: HTMLParagraphElement;
  readonly #closeButton: HTMLButtonElement;
  #pinDisplay: PinDisplay | undefined;
  #busy = false;
  /** Kept so that retrying after a failed PIN request does not create a second session. */
  #created: { name: string; session: SessionView } | undefined;

  constructor(
    private readonly ctx: ViewContext,
    private readonly onSessionCreated: (session: SessionView) => void,
  ) {
    const { t } = ctx;
    const headingId = uniqueId('new-session-heading');
    const nameId = uniqueId('customer-name');
    const hintId = uniqueId('customer-name-hint');
    const nameErrorId = uniqueId('customer-name-error');
    const tabId = uniqueId('method-pin-tab');
    const panelId = uniqueId('method-pin-panel');
    this.#name = h('input', {
      id: nameId,
      type: 'text',
      name: 'customerName',
      autocomplete: 'off',
      maxlength: maxCustomerNameLength,
      'aria-describedby': `${hintId} ${nameErrorId}`,
      required: true,
    });
    this.#nameError = h('p', { id: nameErrorId, class: 'field-error' });
    this.#error = h('p', { class: 'error', role: 'alert' });
    this.#panel = h('div', { id: panelId, role: 'tabpanel', 'aria-labelledby': tabId, class: 'method-panel' });
    this.#closeButton = h('button', { type: 'button', class: 'secondary', onclick: () => this.close() }, t('cancel'));
    this.element = h(
      'dialog',
      { class: 'new-session', 'aria-labelledby': headingId, onclose: () => this.#stopCountdown() },
      h('h2', { id: headingId }, t('createNewSession')),
      h(
        'div',
        { class: 'field' },
        h('label', { for: nameId }, t('nameField')),
        this.#name,
        h('p', { id: hintId, class: 'hint' }, t('nameHint')),
        this.#nameError,
      ),
      h(
        'div',
        { role: 'tablist', 'aria-label': t('connectionMethod'), class: 'method-tabs' },
        h('button', { type: 'button', role: 'tab', id: tabId, 'aria-selected': 'true', 'aria-controls': panelId }, t('pinCodeTab')),
      ),
      this.#panel,
      this.#error,
      h('div', { class: 'dialog-actions' }, this.#closeButton),
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target === this.#name) {
        event.preventDefault();
        void this.#createPin();
      }
    });
  }

  open(): void {
    this.#stopCountdown();
    this.#created = undefined;
    this.#name.value = '';
    this.#name.disabled = false;
    this.#name.removeAttribute('aria-invalid');
    setText(this.#nameError, '');
    setText(this.#error, '');
    setText(this.#closeButton, this.ctx.t('cancel'));
    this.#renderMethodPanel();
    if (!this.element.open) this.element.showModal();
    this.#name.focus();
  }

  close(): void {
    this.#stopCountdown();
    if (this.element.open) this.element.close();
  }

  #renderMethodPanel(): void {
    const { t } = this.ctx;
    this.#panel.removeAttribute('tabindex');
    if (!this.ctx.me.permissions.pinCode) {
      // Focusable so keyboard users reach the explanation, as they would a button.
      this.#panel.setAttribute('tabindex', '0');
      replaceChildren(this.#panel, h('p', { class: 'explanation' }, t('noPinPermission', { groups: groupList(this.ctx) })));
      return;
    }
    replaceChildren(
      this.#panel,
      h('button', { type: 'button', class: 'primary', onclick: () => void this.#createPin() }, t('createPinCode')),
    );
  }

  #validName(): string | undefined {
    const { t } = this.ctx;
    const name = this.#name.value.trim();
    const problem =
      name === '' ? t('nameRequired') : name.length > maxCustomerNameLength ? t('nameTooLong', { max: maxCustomerNameLength }) : '';
    setText(this.#nameError, problem);
    if (problem) {
      this.#name.setAttribute('aria-invalid', 'true');
      this.#name.focus();
      return undefined;
    }
    this.#name.removeAttribute('aria-invalid');
    return name;
  }

  async #createPin(): Promise<void> {
    if (this.#busy || !this.ctx.me.permissions.pinCode || this.#name.disabled) return;
    const name = this.#validName();
    if (!name) return;
    const { t, api } = this.ctx;
    const button = this.#panel.querySelector('button');
    this.#busy = true;
    setText(this.#error, '');
    if (button) {
      button.disabled = true;
      setText(button, t('creatingPinCode'));
    }
    try {
      if (this.#created?.name !== name) {
        const session = await api.createSession(name);
        this.#created = { name, session };
        this.onSessionCreated(session);
      }
      const session = this.#created.session;
      const { pin, expiresAt } = await api.createPin(session.id);
      this.#name.disabled = true;
      this.#showPin(name, pin, expiresAt);
    } catch (error) {
      setText(this.#error, describeError(error, t));
      if (button) {
        button.disabled = false;
        setText(button, t('createPinCode'));
      }
    } finally {
      this.#busy = false;
    }
  }

  #showPin(name: string, pin: string, expiresAt: string): void {
    this.#stopCountdown();
    const display = createPinDisplay(this.ctx, name, pin, expiresAt);
    this.#pinDisplay = display;
    replaceChildren(this.#panel, ...display.elements);
    setText(this.#closeButton, this.ctx.t('done'));
    display.copyButton.focus();
  }

  #stopCountdown(): void {
    this.#pinDisplay?.dispose();
    this.#pinDisplay = undefined;
  }
}
