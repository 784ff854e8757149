import { jsonDocumentHandler } from './json-document.ts';
import { openApiDocument } from './openapi-document.ts';

export const handler = jsonDocumentHandler(openApiDocument());
