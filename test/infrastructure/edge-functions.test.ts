import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { appletFileName, ticketFromFileName } from '../../applet/server-config.ts';
import { appletBundleName } from '../../applet/build.ts';

type Headers = Record<string, { value: string }>;
interface EdgeRequest {
  method: string;
  uri: string;
  headers: Headers;
  querystring: Record<string, unknown>;
}
interface EdgeResponse {
  statusCode: number;
  headers: Headers;
}
type Handler = (event: unknown) => EdgeRequest | EdgeResponse;

/** Evaluates a CloudFront Function file as CloudFront does: a script whose global `handler` gets the event. */
function loadEdgeFunction(file: string): Handler {
  const code = readFileSync(path.join(import.meta.dirname, '../../lib/edge', file), 'utf8');
  return vm.runInNewContext(`${code}\n;handler`, {}) as Handler;
}

const viewerRequest = loadEdgeFunction('viewer-request.js');
const viewerResponse = loadEdgeFunction('viewer-response.js');
const ticket = 'q7Yw2m_Kx9-ZrP4tLb8sVn3aHc5dFe1g';

function requestEvent(
  uri: string,
  headers: Headers = {},
): { version: string; context: { eventType: string }; viewer: { ip: string }; request: EdgeRequest } {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '198.51.100.7' },
    request: { method: 'GET', uri, headers, querystring: {} },
  };
}

describe('viewer-request function', () => {
  it('maps a ticket-bearing applet name to the one bundle and hands the name on', () => {
    const fileName = appletFileName('RemoteSupport', ticket);
    const result = viewerRequest(requestEvent(`/applet/${fileName}`)) as EdgeRequest;
    expect(result.uri).toBe(`/applet/${appletBundleName}`);
    expect(result.headers['x-applet-file-name']).toEqual({ value: fileName });
    expect(ticketFromFileName(result.headers['x-applet-file-name']!.value)).toBe(ticket);
  });

  it('drops a name header sent by the viewer and leaves other applet paths alone', () => {
    const result = viewerRequest(
      requestEvent('/applet/RemoteSupport.cjs', { 'x-applet-file-name': { value: 'evil"; x=.cjs' } }),
    ) as EdgeRequest;
    expect(result.uri).toBe('/applet/RemoteSupport.cjs');
    expect(result.headers['x-applet-file-name']).toBeUndefined();
  });

  it('does not rename names with a short ticket or path tricks', () => {
    for (const uri of [
      '/applet/RemoteSupport_short.cjs',
      '/applet/../RemoteSupport_' + ticket + '.cjs',
      '/applet/Remote_Support_x.cjs.map',
    ]) {
      const result = viewerRequest(requestEvent(uri)) as EdgeRequest;
      explained(uri, () => expect(result.uri).toBe(uri));
    }
  });

  it("maps each platform's app download to that platform's one object, keeping the ticket-bearing name", () => {
    for (const platform of ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64']) {
      const fileName = appletFileName('RemoteSupport', ticket, platform);
      const result = viewerRequest(requestEvent(`/applet/${platform}/${fileName}`)) as EdgeRequest;
      expect(result.uri).toBe(`/applet/${platform}/RemoteSupport${platform === 'windows-x64' ? '.exe' : ''}`);
      expect(ticketFromFileName(result.headers['x-applet-file-name']!.value)).toBe(ticket);
    }
  });

  it('does not rename an app whose name does not fit its platform or path', () => {
    for (const uri of [
      `/applet/linux-x64/RemoteSupport_${ticket}.exe`,
      `/applet/windows-x64/RemoteSupport_${ticket}.cjs`,
      `/applet/amiga/RemoteSupport_${ticket}`,
      `/applet/linux-x64/../RemoteSupport_${ticket}`,
    ]) {
      const result = viewerRequest(requestEvent(uri));
      explained(uri, () => expect('uri' in result ? result.headers['x-applet-file-name'] : undefined).toBeUndefined());
    }
  });

  it('serves directory indexes and redirects directory names without a slash', () => {
    expect((viewerRequest(requestEvent('/console/')) as EdgeRequest).uri).toBe('/console/index.html');
    const redirect = viewerRequest(requestEvent('/console')) as EdgeResponse;
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toEqual({ value: '/console/' });
    expect((viewerRequest(requestEvent('/console/app.js')) as EdgeRequest).uri).toBe('/console/app.js');
  });
});

describe('viewer-response function', () => {
  const response = (statusCode: number): EdgeResponse => ({
    statusCode,
    headers: { 'content-type': { value: 'application/octet-stream' } },
  });
  const responseEvent = (request: EdgeRequest, statusCode = 200) => ({
    version: '1.0',
    context: { eventType: 'viewer-response' },
    request,
    response: response(statusCode),
  });

  it('saves the bundle under the requested name, taken from the request function header', () => {
    const fileName = appletFileName('RemoteSupport', ticket);
    const forwarded = viewerRequest(requestEvent(`/applet/${fileName}`)) as EdgeRequest;
    const result = viewerResponse(responseEvent(forwarded)) as EdgeResponse;
    expect(result.headers['content-disposition']).toEqual({ value: `attachment; filename="${fileName}"` });
    expect(result.headers['cache-control']).toEqual({ value: 'no-store' });
  });

  it('saves an app as a program under its ticket-bearing name', () => {
    const fileName = appletFileName('RemoteSupport', ticket, 'windows-x64');
    const forwarded = viewerRequest(requestEvent(`/applet/windows-x64/${fileName}`)) as EdgeRequest;
    const result = viewerResponse(responseEvent(forwarded)) as EdgeResponse;
    expect(result.headers['content-disposition']).toEqual({ value: `attachment; filename="${fileName}"` });
    expect(result.headers['content-type']).toEqual({ value: 'application/octet-stream' });
    expect(result.headers['cache-control']).toEqual({ value: 'no-store' });
  });

  it('also works from the original URI when CloudFront passes the unmodified request', () => {
    const fileName = appletFileName('Support-Tool', ticket);
    const result = viewerResponse(
      responseEvent({ method: 'GET', uri: `/applet/${fileName}`, headers: {}, querystring: {} }),
    ) as EdgeResponse;
    expect(result.headers['content-disposition']!.value).toBe(`attachment; filename="${fileName}"`);
  });

  it('adds nothing to errors, plain bundle requests or names that fail validation', () => {
    const fileName = appletFileName('RemoteSupport', ticket);
    const forwarded = viewerRequest(requestEvent(`/applet/${fileName}`)) as EdgeRequest;
    expect(viewerResponse(responseEvent(forwarded, 404)).headers['content-disposition']).toBeUndefined();
    const plain = viewerRequest(requestEvent('/applet/RemoteSupport.cjs')) as EdgeRequest;
    expect(viewerResponse(responseEvent(plain)).headers['content-disposition']).toBeUndefined();
    const forged = { ...plain, headers: { 'x-applet-file-name': { value: 'a"; filename=evil.exe' } } };
    expect(viewerResponse(responseEvent(forged)).headers['content-disposition']).toBeUndefined();
  });
});
