// The product's layers and the one direction imports may run between them,
// shared by the lint rule (layers/no-upward-import) and `npm run layers`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where each layer lives, most specific first; files outside every layer (tests, scripts, bench, load, admin) are tools and unchecked. */
export const layerPaths = [
  ['contracts', ['contracts/']],
  ['storage', ['lambdas/storage/']],
  ['domain', ['lambdas/domain/', 'lambdas/events/']],
  [
    'handlers',
    [
      'lambdas/http/',
      'lambdas/websocket/',
      'lambdas/scheduled/',
      'lambdas/streams/',
      'lambdas/shared/',
      'lambdas/routes.ts',
      'lambdas/handler-access.ts',
    ],
  ],
  ['local', ['local/']],
  ['infrastructure', ['lib/', 'bin/']],
  ['web', ['web/']],
  ['applet', ['applet/']],
];

/**
 * What each layer may import (besides itself). Handlers → domain → storage;
 * the local runtime and the stack consume the route table and the handlers
 * (and the table's definition), never the domain; the clients share only the
 * contracts. The runtime and the stack also package the applet and the site
 * they serve.
 */
export const mayImport = {
  contracts: [],
  storage: ['contracts'],
  domain: ['storage', 'contracts'],
  handlers: ['domain', 'storage', 'contracts'],
  local: ['handlers', 'storage', 'contracts', 'applet', 'web'],
  infrastructure: ['handlers', 'storage', 'contracts', 'applet', 'web'],
  web: ['contracts'],
  applet: ['contracts'],
};

/** The only package the contracts may use: they must load in every client. */
export const contractPackages = ['zod'];

/**
 * Imports that run the wrong way today, as [from prefix, to prefix] pairs with
 * the reason; each goes once the contracts module (or the runtime's split)
 * takes over what it shares. Nothing may be added: a new upward import fails.
 */
export const knownExceptions = [
  // The handlers' environment variables and the clients' scopes, which the runtime and the stack set up.
  ['local/', 'lambdas/domain/config.ts'],
  ['lib/', 'lambdas/domain/config.ts'],
  ['local/', 'lambdas/domain/integration-clients.ts'],
  ['lib/', 'lambdas/domain/integration-clients.ts'],
  // The local event bus runs the event publisher and webhook delivery in-process.
  ['local/', 'lambdas/events/'],
];

const isKnownException = (from, target) =>
  knownExceptions.some(([fromPrefix, toPrefix]) => from.startsWith(fromPrefix) && target.startsWith(toPrefix));

export function layerOf(relativePath) {
  const normalized = relativePath.split(path.sep).join('/');
  for (const [layer, prefixes] of layerPaths)
    if (prefixes.some((prefix) => normalized === prefix || normalized.startsWith(prefix))) return layer;
  return undefined;
}

const packageImports = Object.entries(JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')).imports ?? {});

/** The repository-relative file an import names, or undefined for a package. */
export function resolveImport(fromFile, specifier) {
  if (specifier.startsWith('.'))
    return path
      .relative(repositoryRoot, path.resolve(path.dirname(fromFile), specifier))
      .split(path.sep)
      .join('/');
  if (specifier.startsWith('#')) {
    for (const [pattern, target] of packageImports) {
      if (pattern.includes('*')) {
        const [prefix, suffix] = pattern.split('*');
        if (specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
          const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
          return path.posix.normalize(target.replace('*', middle));
        }
      } else if (pattern === specifier) {
        return path.posix.normalize(target);
      }
    }
  }
  return undefined;
}

/** Why an import breaks the layering, or undefined when it may stay. */
export function layerViolation(fromFile, specifier, { withExceptions = true } = {}) {
  const from = path.relative(repositoryRoot, path.resolve(fromFile)).split(path.sep).join('/');
  const fromLayer = layerOf(from);
  if (!fromLayer) return undefined;
  const target = resolveImport(path.resolve(repositoryRoot, from), specifier);
  if (target === undefined) {
    const isPackage = !specifier.startsWith('.') && !specifier.startsWith('#') && !specifier.startsWith('node:');
    if (
      fromLayer === 'contracts' &&
      isPackage &&
      !contractPackages.some((name) => specifier === name || specifier.startsWith(`${name}/`))
    ) {
      return `contracts import nothing but ${contractPackages.join(', ')}; "${specifier}" is a package`;
    }
    return undefined;
  }
  const toLayer = layerOf(target);
  if (!toLayer || toLayer === fromLayer || mayImport[fromLayer].includes(toLayer)) return undefined;
  if (withExceptions && isKnownException(from, target)) return undefined;
  return `${fromLayer} may import only ${[...mayImport[fromLayer]].join(', ') || 'nothing outside itself'}; "${specifier}" is ${toLayer}`;
}

/** layers/no-upward-import: an import that runs against the layers' direction. */
export const noUpwardImport = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports run one way: handlers → domain → storage; clients import only the contracts.' },
    messages: { upward: 'Import against the layers: {{reason}}.' },
    schema: [],
  },
  create(context) {
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const reason = layerViolation(context.filename, source.value);
      if (reason) context.report({ node: source, messageId: 'upward', data: { reason } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export const layersPlugin = { meta: { name: 'layers' }, rules: { 'no-upward-import': noUpwardImport } };
