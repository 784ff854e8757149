import type { SessionView } from '../../../../contracts/schemas/session.ts';
import { isEndedStatus } from '../../../../contracts/statuses.ts';
import type { ViewContext } from '../context.ts';
import { h, setAttribute, setText, uniqueId } from '../dom.ts';
import { formatDuration, secondsUntil } from '../format.ts';
import { statusLabel } from '../i18n.ts';
import { sortSessions, toggleSort, type SortKey, type SortOrder } from '../sessions.ts';

interface Row {
  readonly element: HTMLTableRowElement;
  readonly name: HTMLButtonElement;
  readonly status: HTMLTableCellElement;
  readonly timeInStatus: HTMLTableCellElement;
  readonly pinExpiry: HTMLTableCellElement;
  readonly start: HTMLButtonElement;
  readonly remove: HTMLButtonElement;
  session: SessionView;
}

export interface SessionListActions {
  readonly open: (id: string) => void;
  readonly start: (id: string) => void;
  readonly remove: (id: string) => void;
}

const columns: readonly { key: SortKey; label: 'columnCustomer' | 'columnStatus' | 'columnTimeInStatus' | 'columnPinExpiry' }[] = [
  { key: 'customer', label: 'columnCustomer' },
  { key: 'status', label: 'columnStatus' },
  { key: 'timeInStatus', label: 'columnTimeInStatus' },
  { key: 'pinExpiry', label: 'columnPinExpiry' },
];

/**
 * "Active sessions": one table row per session, kept by id. An update changes
 * the cells of its row only; rows are moved only when the order changed; the
 * clock tick rewrites two text cells per row. This keeps 100 sessions cheap.
 */
export class SessionList {
  readonly element: HTMLElement;
  readonly #body: HTMLTableSectionElement;
  readonly #empty: HTMLParagraphElement;
  readonly #count: HTMLParagraphElement;
  readonly #headers = new Map<SortKey, HTMLTableCellElement>();
  readonly #rows = new Map<string, Row>();
  readonly #collator: Intl.Collator;
  #order: SortOrder;
  #orderDirty = true;

  constructor(
    private readonly ctx: ViewContext,
    order: SortOrder,
    private readonly actions: SessionListActions,
    private readonly onSortChange: (order: SortOrder) => void,
  ) {
    const { t } = ctx;
    this.#order = order;
    this.#collator = new Intl.Collator(ctx.locale, { sensitivity: 'base', numeric: true });
    const headingId = uniqueId('active-sessions-heading');
    this.#body = h('tbody');
    this.#empty = h('p', { class: 'empty' }, ctx.me.permissions.privateSessions ? t('noSessions') : t('noSessionsPlain'));
    this.#count = h('p', { class: 'count' });
    const headerRow = h('tr');
    for (const column of columns) {
      const th = h(
        'th',
        { scope: 'col' },
        h(
          'button',
          { type: 'button', class: 'sort', onclick: () => this.#sortBy(column.key) },
          t(column.label),
          h('span', { class: 'sort-indicator', 'aria-hidden': 'true' }),
        ),
      );
      this.#headers.set(column.key, th);
      headerRow.appendChild(th);
    }
    headerRow.appendChild(h('th', { scope: 'col' }, t('columnActions')));
    this.element = h(
      'section',
      { class: 'session-list', 'aria-labelledby': headingId },
      h('div', { class: 'section-head' }, h('h2', { id: headingId }, t('activeSessions')), this.#count),
      h('div', { class: 'table-scroll' }, h('table', { 'aria-labelledby': headingId }, h('thead', {}, headerRow), this.#body)),
      this.#empty,
    );
    this.#renderSortHeaders();
  }

  #sortBy(key: SortKey): void {
    this.#order = toggleSort(this.#order, key);
    this.#orderDirty = true;
    this.#renderSortHeaders();
    this.#reorder();
    this.onSortChange(this.#order);
  }

  #renderSortHeaders(): void {
    for (const [key, th] of this.#headers) {
      const active = key === this.#order.key;
      setAttribute(th, 'aria-sort', active ? this.#order.direction : 'none');
      const indicator = th.querySelector('.sort-indicator');
      if (indicator) setText(indicator, active ? (this.#order.direction === 'ascending' ? ' ▲' : ' ▼') : '');
    }
  }

  /** Applies a batch of new or changed sessions, then reorders once. */
  update(sessions: Iterable<SessionView>): void {
    for (const session of sessions) {
      const row = this.#rows.get(session.id) ?? this.#createRow(session);
      const sortRelevant =
        row.session.status !== session.status ||
        row.session.statusChangedAt !== session.statusChangedAt ||
        row.session.pinExpiresAt !== session.pinExpiresAt ||
        row.session.customerName !== session.customerName;
      row.session = session;
      this.#fill(row);
      if (sortRelevant) this.#orderDirty = true;
    }
    this.#reorder();
  }

  removeRow(id: string): void {
    const row = this.#rows.get(id);
    if (!row) return;
    row.element.remove();
    this.#rows.delete(id);
    this.#updateCount();
  }

  #createRow(session: SessionView): Row {
    const { t } = this.ctx;
    const nameId = uniqueId('session-name');
    const hintId = uniqueId('start-hint');
    const name = h(
      'button',
      { type: 'button', class: 'link', id: nameId, onclick: () => this.actions.open(session.id) },
      session.customerName,
    );
    const start = h(
      'button',
      { type: 'button', class: 'primary small', 'aria-describedby': `${nameId} ${hintId}`, onclick: () => this.actions.start(session.id) },
      t('start'),
    );
    const remove = h(
      'button',
      { type: 'button', class: 'secondary small', 'aria-describedby': nameId, onclick: () => this.actions.remove(session.id) },
      t('dismiss'),
    );
    const status = h('td', { class: 'status' });
    const timeInStatus = h('td', { class: 'time' });
    const pinExpiry = h('td', { class: 'time' });
    const element = h(
      'tr',
      { 'data-session-id': session.id },
      h('th', { scope: 'row' }, name),
      status,
      timeInStatus,
      pinExpiry,
      h('td', { class: 'actions' }, start, remove, h('span', { id: hintId, class: 'visually-hidden' }, t('startHint'))),
    );
    const row: Row = { element, name, status, timeInStatus, pinExpiry, start, remove, session };
    this.#rows.set(session.id, row);
    this.#orderDirty = true;
    return row;
  }

  #fill(row: Row): void {
    const { session } = row;
    const { t } = this.ctx;
    setText(row.name, session.customerName);
    setText(row.status, statusLabel(t, session.status));
    row.status.className = `status status-${session.status}`;
    row.element.classList.toggle('waiting', session.status === 'waiting');
    row.start.disabled = session.status !== 'waiting';
    row.start.hidden = isEndedStatus(session.status);
    row.remove.hidden = !isEndedStatus(session.status);
    this.#fillTimes(row, this.ctx.now());
  }

  #fillTimes(row: Row, now: number): void {
    const { session } = row;
    const { t } = this.ctx;
    setText(row.timeInStatus, formatDuration(now - Date.parse(session.statusChangedAt ?? session.updatedAt)));
    let pin = t('noPin');
    if (session.pinExpiresAt && (session.status === 'pending' || session.status === 'expired')) {
      const left = secondsUntil(session.pinExpiresAt, now);
      pin = left > 0 && session.status === 'pending' ? t('pinExpiresIn', { time: formatDuration(left * 1000) }) : t('pinExpiredShort');
    }
    setText(row.pinExpiry, pin);
  }

  /** Once a second: the clocks move, nothing else. */
  tick(): void {
    const now = this.ctx.now();
    for (const row of this.#rows.values()) this.#fillTimes(row, now);
  }

  #reorder(): void {
    this.#updateCount();
    if (!this.#orderDirty) return;
    this.#orderDirty = false;
    const ordered = sortSessions(
      [...this.#rows.values()].map((row) => row.session),
      this.#order,
      this.#collator,
    );
    let cursor = this.#body.firstElementChild;
    for (const session of ordered) {
      const row = this.#rows.get(session.id);
      if (!row) continue;
      if (row.element === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        this.#body.insertBefore(row.element, cursor);
      }
    }
  }

  #updateCount(): void {
    this.#empty.hidden = this.#rows.size > 0;
    setText(this.#count, this.#rows.size === 1 ? this.ctx.t('sessionCountOne') : this.ctx.t('sessionCount', { count: this.#rows.size }));
  }

  /** Focuses the row's name, e.g. after an arrival notice sends the technician here. */
  focusSession(id: string): void {
    this.#rows.get(id)?.name.focus();
  }

  get rowCount(): number {
    return this.#rows.size;
  }
}
