import type { RequestParamHandler } from 'express';

// Every id the service hands out is a randomUUID() (users in create-user.ts, and SCIM ids are
// the same ids; SCIM tokens in scim-tokens.ts): lower-case canonical. Anything else names a
// resource that cannot exist, so it is answered 404 before it can touch a key: an id such as
// "<uuid>:sessions" would otherwise read another key of the user.

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID_PATTERN.test(id);

/** For `router.param('id', …)`: a non-UUID id is the router's own 404, without a Redis call. */
export function uuidParam(notFound: (id: string) => Error): RequestParamHandler {
  return (_req, _res, next, id) => next(isUuid(id) ? undefined : notFound(String(id)));
}
