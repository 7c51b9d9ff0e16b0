import type { Response } from 'express';
import { LIST_RESPONSE } from './scim-schema.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM answer is application/scim+json. */
export function sendScim(res: Response, status: number, body: unknown): void {
  res.status(status).set('Content-Type', SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** An answer already rendered as JSON text or its UTF-8 bytes (user-render.ts). */
export function sendScimText(res: Response, status: number, json: string | Buffer): void {
  res.status(status).set('Content-Type', SCIM_CONTENT_TYPE).send(json);
}

/** A ListResponse (RFC 7644 §3.4.2) of one page of resources. */
export function sendScimList(
  res: Response,
  page: { totalResults: number; startIndex: number },
  resources: readonly unknown[],
): void {
  sendScim(res, 200, {
    schemas: [LIST_RESPONSE],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}
