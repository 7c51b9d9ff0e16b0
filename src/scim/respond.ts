import type { Response } from 'express';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM answer is application/scim+json. */
export function sendScim(res: Response, status: number, body: unknown): void {
  res.status(status).set('Content-Type', SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** An answer already rendered as JSON text (user-render.ts). */
export function sendScimText(res: Response, status: number, json: string): void {
  res.status(status).set('Content-Type', SCIM_CONTENT_TYPE).send(json);
}
