import { Router, type Request } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import { ScimError } from './scim-error.js';
import { uuidParam } from '../http/ids.js';
import { ScimProvisioner } from './provisioning.js';
import { listScimUsers, resourcesOf, type ListParams } from './user-query.js';
import { renderUser, renderList, groupRefs } from './user-render.js';
import { groupsOfUser } from './group-refs.js';
import { projector, type Projection } from './shape.js';
import { checkAttributePath } from './attribute-path.js';
import { toScimResource, etagOf, managedByScim, withGroups } from './user-resource.js';
import { sendScim, sendScimText } from './respond.js';
import { scimActor } from './scim-auth.js';
import { LIST_RESPONSE, SEARCH_REQUEST } from './scim-schema.js';
import type { UserRecord } from '../directory/index.js';

type Json = Record<string, unknown>;

// startIndex and count beyond this are no page anyone can ask for (Redis refuses 1e300 as a range).
const MAX_INTEGER = 1_000_000_000;

/**
 * startIndex or count: an integer of at most MAX_INTEGER either way, else 400 invalidValue. Values
 * below 1 (startIndex) or 0 (count) are interpreted by listScimUsers, as RFC 7644 §3.4.2.4 says.
 */
const integer = (value: unknown, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^[+-]?\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || Math.abs(n) > MAX_INTEGER) {
    throw new ScimError(400, `${name} must be an integer between -${MAX_INTEGER} and ${MAX_INTEGER}.`, 'invalidValue');
  }
  return n;
};

/** One text parameter: given twice in a query (an array) or not text in a body is a 400. */
const text = (value: unknown, name: string): string | undefined => {
  if (value === undefined || typeof value === 'string') return value;
  throw new ScimError(400, `${name} must be given once, as text.`, 'invalidValue');
};

/** attributes and excludedAttributes: comma-separated text, or (in a body, or repeated in a query) a list of it. */
const textList = (value: unknown, name: string): string | undefined => {
  if (!Array.isArray(value)) return text(value, name);
  if (!value.every((v) => typeof v === 'string'))
    throw new ScimError(400, `${name} must be a list of attribute names.`, 'invalidValue');
  return value.join(',');
};

const sortOrder = (value: unknown): string | undefined => {
  const order = text(value, 'sortOrder');
  if (order === undefined || ['ascending', 'descending'].includes(order.toLowerCase())) return order;
  throw new ScimError(400, 'sortOrder must be "ascending" or "descending".', 'invalidValue');
};

/** The list parameters of GET /Users (query) and POST /Users/.search (body), checked before any parser sees them. */
const listParams = (source: Json): ListParams & Projection => {
  const sortBy = text(source.sortBy, 'sortBy');
  if (sortBy !== undefined) checkAttributePath(sortBy, 'sortBy');
  return {
    filter: text(source.filter, 'filter'),
    startIndex: integer(source.startIndex, 'startIndex'),
    count: integer(source.count, 'count'),
    sortBy,
    sortOrder: sortOrder(source.sortOrder),
    attributes: textList(source.attributes, 'attributes'),
    excludedAttributes: textList(source.excludedAttributes, 'excludedAttributes'),
  };
};

/** /scim/v2/Users: RFC 7644 over the directory. */
export function scimUsersRoutes(deps: Pick<AppDeps, 'directory' | 'config' | 'jobs'>, baseUrl: string): Router {
  const router = Router();
  const provisioner = new ScimProvisioner(deps, baseUrl);
  router.param(
    'id',
    uuidParam((id) => new ScimError(404, `No User with id ${id}.`)),
  );

  /** A user; `fresh` (a POST's) is in no group yet, so no read of their groups is needed. */
  const sendUser = async (
    req: Request,
    res: Parameters<Parameters<Router['get']>[1]>[1],
    status: number,
    user: UserRecord,
    fresh = false,
  ) => {
    const shape = projector(req.query as Projection);
    res.set('ETag', etagOf(user.version));
    if (status === 201) res.set('Location', `${baseUrl}/Users/${user.id}`);
    if (!shape) {
      const groups = fresh ? [] : await groupsOfUser(deps.directory, user.id, baseUrl);
      sendScimText(res, status, renderUser(user, baseUrl, groups));
      return;
    }
    const resource = (await withGroups(deps.directory, [toScimResource(user, baseUrl)], baseUrl))[0]!;
    sendScim(res, status, shape(resource));
  };

  const list = async (res: Parameters<Parameters<Router['get']>[1]>[1], params: ListParams & Projection) => {
    const shape = projector(params);
    const result = await listScimUsers(deps.directory, baseUrl, params);
    // The hot paths (userName eq, pages): one read, with the users' groups; rendered from the stored JSON.
    if (result.users) {
      const { users } = result;
      if (!shape) {
        const rendered = users.map((u) => renderUser(u.user, baseUrl, groupRefs(u.groups, baseUrl)));
        sendScimText(res, 200, renderList(result.totalResults, result.startIndex, rendered));
        return;
      }
    }
    const found = resourcesOf(result, baseUrl);
    if (result.users) {
      result.users.forEach((u, i) => {
        if (u.groups.length > 0) found[i]!.groups = groupRefs(u.groups, baseUrl);
      });
    } else {
      await withGroups(deps.directory, found, baseUrl);
    }
    const resources = shape ? found.map(shape) : found;
    sendScim(res, 200, {
      schemas: [LIST_RESPONSE],
      totalResults: result.totalResults,
      startIndex: result.startIndex,
      itemsPerPage: resources.length,
      Resources: resources,
    });
  };

  router.get('/Users', async (req, res) => {
    await list(res, listParams(req.query as Json));
  });

  router.post('/Users/.search', async (req, res) => {
    const body = (req.body ?? {}) as Json;
    if (!Array.isArray(body.schemas) || !body.schemas.includes(SEARCH_REQUEST)) {
      throw new ScimError(400, `A search body must have schemas ["${SEARCH_REQUEST}"].`, 'invalidSyntax');
    }
    await list(res, listParams(body));
  });

  router.get('/Users/:id', async (req, res) => {
    const user = await deps.directory.getUser(String(req.params.id));
    // A user SCIM does not manage is not there for the IdP: the same 404 as no user at all.
    if (!user || !managedByScim(user)) throw new ScimError(404, `No User with id ${req.params.id}.`);
    await sendUser(req, res, 200, user);
  });

  router.post('/Users', async (req, res) => {
    await sendUser(req, res, 201, await provisioner.create(req.body, scimActor(res)), true);
  });

  router.put('/Users/:id', async (req, res) => {
    await sendUser(
      req,
      res,
      200,
      await provisioner.replace(String(req.params.id), req.body, scimActor(res), req.get('if-match')),
    );
  });

  router.patch('/Users/:id', async (req, res) => {
    await sendUser(
      req,
      res,
      200,
      await provisioner.patch(String(req.params.id), req.body, scimActor(res), req.get('if-match')),
    );
  });

  router.delete('/Users/:id', async (req, res) => {
    await provisioner.remove(String(req.params.id), scimActor(res), req.get('if-match'));
    res.status(204).end();
  });

  return router;
}
