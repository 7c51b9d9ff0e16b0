import { Router, type Request } from 'express';
import type { AppDeps } from '../http/app.js';
import { ScimError } from './scim-error.js';
import { ScimProvisioner } from './provisioning.js';
import { listUsers, type ListParams } from './user-query.js';
import { projector, type Projection } from './shape.js';
import { toScimResource, etagOf, managedByScim } from './user-resource.js';
import { sendScim } from './respond.js';
import { LIST_RESPONSE, SEARCH_REQUEST } from './scim-schema.js';
import type { UserRecord } from '../directory/index.js';

type Json = Record<string, unknown>;

const integer = (value: unknown, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ScimError(400, `${name} must be an integer.`, 'invalidValue');
  return Math.trunc(n);
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** /scim/v2/Users: RFC 7644 over the directory. */
export function scimUsersRoutes(deps: AppDeps, baseUrl: string): Router {
  const router = Router();
  const provisioner = new ScimProvisioner(deps, baseUrl);

  const sendUser = (req: Request, res: Parameters<Parameters<Router['get']>[1]>[1], status: number, user: UserRecord) => {
    const resource = toScimResource(user, baseUrl);
    const shape = projector(req.query as Projection);
    res.set('ETag', etagOf(user.version));
    if (status === 201) res.set('Location', String((resource.meta as Json).location));
    sendScim(res, status, shape ? shape(resource) : resource);
  };

  const list = async (res: Parameters<Parameters<Router['get']>[1]>[1], params: ListParams & Projection) => {
    const shape = projector(params);
    const result = await listUsers(deps.directory, baseUrl, params);
    const resources = shape ? result.resources.map(shape) : result.resources;
    sendScim(res, 200, {
      schemas: [LIST_RESPONSE],
      totalResults: result.totalResults,
      startIndex: result.startIndex,
      itemsPerPage: resources.length,
      Resources: resources,
    });
  };

  router.get('/Users', async (req, res) => {
    const q = req.query;
    await list(res, {
      filter: text(q.filter), startIndex: integer(q.startIndex, 'startIndex'), count: integer(q.count, 'count'),
      sortBy: text(q.sortBy), sortOrder: text(q.sortOrder), attributes: text(q.attributes), excludedAttributes: text(q.excludedAttributes),
    });
  });

  router.post('/Users/.search', async (req, res) => {
    const body = (req.body ?? {}) as Json;
    if (!Array.isArray(body.schemas) || !body.schemas.includes(SEARCH_REQUEST)) {
      throw new ScimError(400, `A search body must have schemas ["${SEARCH_REQUEST}"].`, 'invalidSyntax');
    }
    const joined = (v: unknown) => (Array.isArray(v) ? v.join(',') : text(v));
    await list(res, {
      filter: text(body.filter), startIndex: integer(body.startIndex, 'startIndex'), count: integer(body.count, 'count'),
      sortBy: text(body.sortBy), sortOrder: text(body.sortOrder),
      attributes: joined(body.attributes), excludedAttributes: joined(body.excludedAttributes),
    });
  });

  router.get('/Users/:id', async (req, res) => {
    const user = await deps.directory.getUser(String(req.params.id));
    // A user SCIM does not manage is not there for the IdP: the same 404 as no user at all.
    if (!user || !managedByScim(user)) throw new ScimError(404, `No User with id ${req.params.id}.`);
    sendUser(req, res, 200, user);
  });

  router.post('/Users', async (req, res) => {
    sendUser(req, res, 201, await provisioner.create(req.body));
  });

  router.put('/Users/:id', async (req, res) => {
    sendUser(req, res, 200, await provisioner.replace(String(req.params.id), req.body, req.get('if-match')));
  });

  router.patch('/Users/:id', async (req, res) => {
    sendUser(req, res, 200, await provisioner.patch(String(req.params.id), req.body, req.get('if-match')));
  });

  router.delete('/Users/:id', async (req, res) => {
    await provisioner.remove(String(req.params.id), req.get('if-match'));
    res.status(204).end();
  });

  return router;
}
