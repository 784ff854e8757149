// CloudFront Function (cloudfront-js-2.0), viewer response, on /applet/*.
// Saves the applet under the name the customer requested (it carries the ticket).
// The name comes from the viewer-request function's header or, should CloudFront
// hand over the original request, from the URI; either way it is re-validated
// against the strict pattern before it goes into a header.
var APPLET_FILE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,40}_[A-Za-z0-9_-]{22,64}(\.cjs|\.exe)?$/;
var APPLET_DOWNLOAD = /^\/applet\/([A-Za-z][A-Za-z0-9-]{0,40}_[A-Za-z0-9_-]{22,64}\.cjs)$/;
var FILE_NAME_HEADER = 'x-applet-file-name';

// eslint-disable-next-line @typescript-eslint/no-unused-vars
function handler(event) {
  var response = event.response;
  var request = event.request;
  var fromHeader = request.headers[FILE_NAME_HEADER];
  var fromUri = APPLET_DOWNLOAD.exec(request.uri);
  var name = fromHeader ? fromHeader.value : fromUri ? fromUri[1] : undefined;
  if (response.statusCode === 200 && name && APPLET_FILE_NAME.test(name)) {
    response.headers['content-disposition'] = { value: 'attachment; filename="' + name + '"' };
    // The script is text; the apps are programs (and come gzip-encoded from S3, which the browser undoes).
    response.headers['content-type'] = { value: /\.cjs$/.test(name) ? 'text/javascript; charset=utf-8' : 'application/octet-stream' };
    response.headers['cache-control'] = { value: 'no-store' };
  }
  return response;
}
