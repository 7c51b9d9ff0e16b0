import { Router, type Request } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import { ScimError } from './scim-error.js';
import { uuidParam } from '../http/ids.js';
import { ScimProvisioner } from './provisioning.js';
import { listScimUsers, resourcesOf, type ListParams } from './user-query.js';
import { renderUser, renderStoredList, groupRefs } from './user-render.js';
import { groupsOfUser } from './group-refs.js';
import { projector, type Projection } from './shape.js';
import { listParams } from './list-params.js';
import { toScimResource, etagOf, managedByScim, withGroups } from './user-resource.js';
import { sendScim, sendScimList, sendScimText } from './respond.js';
import { scimActor } from './scim-auth.js';
import { SEARCH_REQUEST } from './scim-schema.js';
import type { UserRecord } from '../directory/index.js';

type Json = Record<string, unknown>;

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
    const result = await listScimUsers(deps.directory, baseUrl, params, { records: shape !== undefined });
    // The hot paths (userName eq, pages): one read, with the users' groups; rendered from the stored JSON.
    if (result.users) {
      const { users } = result;
      if (!shape) {
        sendScimText(res, 200, renderStoredList(result.totalResults, result.startIndex, users, baseUrl));
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
    sendScimList(res, result, resources);
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
