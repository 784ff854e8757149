/**
 * The console's whole rendering toolkit: create an element with attributes,
 * properties and children. Views keep references to the few nodes they update
 * later and change only those, so a tick of 100 rows touches 100 text nodes.
 */
type Child = Node | string | false | null | undefined;
type AttributeValue = string | number | boolean | null | undefined;
// Method syntax makes the parameter bivariant, so a (event: KeyboardEvent) => void fits.
type EventHandler = { handle(event: Event): void }['handle'];

/** Attributes by name; `on<event>` entries with a function become event listeners. */
export type Attributes = Record<string, AttributeValue | EventHandler>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      setAttribute(element, name, value as AttributeValue);
    }
  }
  append(element, children);
  return element;
}

export function setAttribute(element: Element, name: string, value: AttributeValue): void {
  if (value === false || value === null || value === undefined) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Sets text only when it changed: no layout work and no live-region chatter for equal text. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

let nextId = 0;
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
