import { asyncApiDocument } from './asyncapi-document.ts';
import { jsonDocumentHandler } from './json-document.ts';

export const handler = jsonDocumentHandler(asyncApiDocument());
