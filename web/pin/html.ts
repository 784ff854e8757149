/**
 * The PIN page's HTML, rendered at build time from the English strings so the
 * form is on screen before any script runs. Elements whose text the script
 * swaps per language carry `data-text="<key of PinStrings>"`; the page holds
 * no inline script or style (the CSP allows only 'self').
 *
 * The "needs JavaScript" note is plain markup that CSS reveals after a short
 * delay and the script removes at once: unlike <noscript> it also shows when
 * the script is blocked or the browser cannot run it, and it never flashes
 * for the customers whose browser runs the script.
 */
import type { PinStrings } from './i18n.ts';
import { de } from './strings/de.ts';

export interface PinPageAssets {
  readonly script: string;
  readonly style: string;
  readonly icon: string;
}

/** Keys of PinStrings that are plain strings, the only ones the HTML can name. */
export type StaticTextKey = { [K in keyof PinStrings]: PinStrings[K] extends string ? K : never }[keyof PinStrings];

/**
 * Stricter than the stack's header, never looser: proves locally that the
 * page needs no inline code. connect-src is left open because /config.json
 * may name an API on another origin.
 */
export const pinPageContentSecurityPolicy =
  "script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function renderPinPageHtml(assets: PinPageAssets, strings: PinStrings): string {
  const text = (key: StaticTextKey): string => `data-text="${key}">${escapeHtml(strings[key])}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${pinPageContentSecurityPolicy}">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light">
<title data-text="pageTitle">${escapeHtml(strings.pageTitle)}</title>
<link rel="icon" href="${assets.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${assets.style}">
<script type="module" src="${assets.script}"></script>
</head>
<body>
<header class="top">
<p class="brand" ${text('brand')}</p>
<div id="language-switch" class="language" role="group" aria-labelledby="language-label" hidden>
<span id="language-label" class="visually-hidden" ${text('languageSwitchLabel')}</span>
<button type="button" data-language="en" lang="en" aria-pressed="true">${escapeHtml(strings.languageName)}</button>
<button type="button" data-language="de" lang="de" aria-pressed="false">${escapeHtml(de.languageName)}</button>
</div>
</header>
<main>
<section id="pin-step" class="step" aria-labelledby="pin-heading">
<h1 id="pin-heading" ${text('heading')}</h1>
<p ${text('intro')}</p>
<form id="pin-form" class="card" novalidate>
<label for="pin" ${text('pinLabel')}</label>
<p id="pin-hint" class="hint" ${text('pinHint')}</p>
<input id="pin" name="pin" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" spellcheck="false" autocapitalize="off" aria-describedby="pin-hint pin-error">
<div id="pin-error" class="feedback" tabindex="-1" aria-live="assertive" aria-atomic="true"></div>
<p id="retry-countdown" class="countdown" hidden></p>
<button id="connect" type="submit" class="primary" ${text('connectButton')}</button>
<button id="retry" type="submit" class="secondary" hidden ${text('retryButton')}</button>
<p id="pin-status" class="hint" role="status"></p>
<div id="script-note" class="script-note"><p>${escapeHtml(strings.noScript)}</p><p lang="de">${escapeHtml(de.noScript)}</p></div>
</form>
<p class="privacy" ${text('privacyNote')}</p>
</section>
<section id="download-step" class="step" aria-labelledby="download-heading" hidden>
<h1 id="download-heading" tabindex="-1"></h1>
<p ${text('downloadIntro')}</p>
<p id="status-summary" class="status-summary" aria-hidden="true"></p>
<div id="sharing" class="card sharing" hidden><p id="sharing-text"></p><button id="stop-sharing" type="button" class="danger"></button></div>
<p id="screen-note" class="hint screen-note" role="status"></p>
<ol class="steps">
<li class="card">
<h2 ${text('stepDownloadTitle')}</h2>
<a id="download-link" class="button primary" href="#" download ${text('downloadButton')}</a>
<p id="download-file" class="hint file"></p>
</li>
<li class="card">
<h2 ${text('stepRunTitle')}</h2>
<div id="run-instructions"></div>
<p id="copy-status" class="visually-hidden" role="status"></p>
</li>
<li class="card">
<h2 ${text('stepProgressTitle')}</h2>
<ol id="progress-track" class="track"></ol>
<div id="progress-status" class="status" role="status" aria-atomic="true"></div>
<p id="progress-trouble" class="hint" aria-live="polite"></p>
</li>
</ol>
<div id="live-area" class="live">
<div id="browser-join" class="card" hidden><h2 id="browser-join-title"></h2><p id="browser-join-intro"></p><button id="browser-join-button" type="button" class="secondary"></button><p id="browser-join-error" class="feedback" role="alert"></p></div>
<div id="verification" class="card verification" role="group" aria-labelledby="verification-label" hidden><h2 id="verification-label"></h2><p><strong id="verification-code" class="code"></strong></p><p id="verification-hint" class="hint"></p></div>
<section id="chat" class="card chat" aria-labelledby="chat-title" hidden><h2 id="chat-title"></h2><div id="chat-log" class="chat-log" role="log" aria-labelledby="chat-title"></div><p id="chat-empty" class="hint"></p><form id="chat-form" novalidate><label id="chat-label" for="chat-text"></label><input id="chat-text" type="text" autocomplete="off" maxlength="2000"><button id="chat-send" type="submit" class="primary"></button></form><p id="chat-note" class="hint" role="status"></p></section>
</div>
</section>
<dialog id="screen-dialog" class="screen-dialog" aria-labelledby="screen-dialog-title" aria-describedby="screen-dialog-text"><h2 id="screen-dialog-title"></h2><p id="screen-dialog-text"></p><div class="dialog-actions"><button id="screen-share" type="button" class="primary"></button><button id="screen-decline" type="button" class="secondary"></button></div></dialog>
</main>
</body>
</html>
`;
}
