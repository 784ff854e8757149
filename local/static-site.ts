import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * Serves the built site (dist/site) the way S3 behind CloudFront will: the
 * right content types, `index.html` for folders, no way out of the folder,
 * and the security headers the CloudFront response-headers policy sets.
 */
export function securityHeaders(webSocketOrigin: string): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${webSocketOrigin}`,
      "img-src 'self' data:",
      "style-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

export const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticSiteOptions {
  readonly root: string;
  /** Added to every answer (security headers); a function because the port is known only after listen. */
  readonly headers: () => Record<string, string>;
}

export type StaticSite = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<void>;

const notFoundPage =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1><p>There is no page at this address. <a href="/">Back to the start page</a>.</p></body></html>\n';

export function sendNotFoundPage(response: ServerResponse, headers: Record<string, string>): void {
  response.writeHead(404, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(notFoundPage) });
  response.end(notFoundPage);
}

async function isFile(candidate: string): Promise<boolean> {
  return stat(candidate).then(
    (info) => info.isFile(),
    () => false,
  );
}

export function createStaticSite(options: StaticSiteOptions): StaticSite {
  const root = path.resolve(options.root);
  const realRoot = realpath(root).catch(() => root);

  /** The file a URL path names, or undefined when it names nothing servable inside root. */
  const resolveFile = async (pathname: string): Promise<string | 'redirect' | undefined> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
    const candidate = path.resolve(root, `.${decoded}`);
    if (candidate !== root && !candidate.startsWith(root + path.sep)) return undefined;
    const info = await stat(candidate).catch(() => undefined);
    if (!info) return undefined;
    let file = candidate;
    if (info.isDirectory()) {
      if (!pathname.endsWith('/')) return 'redirect';
      file = path.join(candidate, 'index.html');
      if (!(await isFile(file))) return undefined;
    } else if (!info.isFile()) {
      return undefined;
    }
    // A symbolic link must not lead out of the site either.
    const real = await realpath(file).catch(() => undefined);
    const base = await realRoot;
    return real && real.startsWith(base + path.sep) ? real : undefined;
  };

  return async (request, response, pathname) => {
    const headers = options.headers();
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      return void response.end('Method not allowed\n');
    }
    const file = await resolveFile(pathname);
    if (file === 'redirect') {
      // Collapsed leading slashes: `//host/` would be read as another origin.
      response.writeHead(301, { ...headers, location: `/${pathname.replace(/^\/+/, '')}/` });
      return void response.end();
    }
    if (!file) return sendNotFoundPage(response, headers);
    const content = await readFile(file);
    response.writeHead(200, {
      ...headers,
      'content-type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': content.length,
      'cache-control': 'no-cache',
    });
    response.end(method === 'HEAD' ? undefined : content);
  };
}
