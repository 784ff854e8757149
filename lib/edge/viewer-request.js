// CloudFront Function (cloudfront-js-2.0), viewer request, on the site's S3 behaviours.
// - /applet/<prefix>_<ticket>.cjs: every customer downloads the same object, but the
//   saved file must carry their ticket (the applet reads it back from its own name),
//   so the URI is mapped to the one bundle and the requested name is handed to the
//   viewer-response function in a header.
// - /applet/<platform>/<prefix>_<ticket>[.exe]: the same for the native apps; each
//   platform has one object, RemoteSupport[.exe], uploaded gzip-compressed.
// - /console/ and other directory URIs: S3 has no index documents behind OAC.
var APPLET_BUNDLE_URI = '/applet/RemoteSupport.cjs';
var APPLET_DOWNLOAD = /^\/applet\/([A-Za-z][A-Za-z0-9-]{0,40}_[A-Za-z0-9_-]{22,64}\.cjs)$/;
var APP_DOWNLOAD =
  /^\/applet\/(windows-x64|macos-arm64|macos-x64|linux-x64|linux-arm64)\/([A-Za-z][A-Za-z0-9-]{0,40}_[A-Za-z0-9_-]{22,64}(\.exe)?)$/;
var FILE_NAME_HEADER = 'x-applet-file-name';

// eslint-disable-next-line @typescript-eslint/no-unused-vars
function handler(event) {
  var request = event.request;
  // Only this function may name the download; a viewer-sent header is dropped.
  delete request.headers[FILE_NAME_HEADER];

  var download = APPLET_DOWNLOAD.exec(request.uri);
  if (download) {
    request.headers[FILE_NAME_HEADER] = { value: download[1] };
    request.uri = APPLET_BUNDLE_URI;
    return request;
  }
  var app = APP_DOWNLOAD.exec(request.uri);
  // Windows gets .exe, every other system none: a name that does not fit its platform is no download.
  if (app && (app[1] === 'windows-x64') === (app[3] === '.exe')) {
    request.headers[FILE_NAME_HEADER] = { value: app[2] };
    request.uri = '/applet/' + app[1] + '/RemoteSupport' + (app[3] || '');
    return request;
  }
  if (request.uri.endsWith('/')) {
    request.uri += 'index.html';
    return request;
  }
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (lastSegment.length > 0 && lastSegment.indexOf('.') === -1) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: request.uri + '/' } } };
  }
  return request;
}
