import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../http/app-deps.js';
import type { GroupRecord, GroupWriteOptions } from '../directory/groups/types.js';
import { uuidParam } from '../http/ids.js';
import { ScimError } from './scim-error.js';
import { projector, type Projection } from './shape.js';
import { sendScim, sendScimList } from './respond.js';
import { scimActor } from './scim-auth.js';
import { SEARCH_REQUEST } from './scim-schema.js';
import { etagOf } from './user-resource.js';
import { toGroupResource, parseGroupBody, MAX_MEMBERS_SHOWN } from './group-resource.js';
import { groupPatchChange } from './group-patch.js';
import { listScimGroups } from './group-query.js';
import { membersWanted, ifMatchVersions } from './group-params.js';
import { listParams } from './list-params.js';

type Json = Record<string, unknown>;

const notFound = (id: string) => new ScimError(404, `No Group with id ${id}.`);

/**
 * /scim/v2/Groups (RFC 7643 §4.2, RFC 7644) over the directory's groups. displayName is unique
 * (case-insensitively: 409 uniqueness); a representation shows at most MAX_MEMBERS_SHOWN members;
 * a PATCH answers 204 with the new ETag (200 and the group when attributes/excludedAttributes are
 * asked for). Members of SCIM_ADMIN_GROUPS are admins (group-lib.lua).
 */
export function scimGroupsRoutes(deps: Pick<AppDeps, 'directory' | 'config'>, baseUrl: string): Router {
  const router = Router();
  const { groups } = deps.directory;
  router.param('id', uuidParam(notFound));

  /** Who writes (the SCIM token, for the audit), If-Match, and the role mapping. */
  const writeOptions = (req: Request, res: Response): GroupWriteOptions => ({
    actor: scimActor(res),
    ifMatch: ifMatchVersions(req.get('if-match')),
    adminGroups: deps.config.scim.adminGroups,
    adminRoles: deps.config.scim.adminRoleValues,
  });

  const readOne = async (id: string, projection: Projection) => {
    const [group] = await groups.read([id], membersWanted(projection) ? { memberCap: MAX_MEMBERS_SHOWN } : {});
    if (!group) throw notFound(id);
    return group;
  };

  const send = (res: Response, status: number, group: GroupRecord, projection: Projection) => {
    const resource = toGroupResource(group, baseUrl);
    const shape = projector(projection);
    res.set('ETag', etagOf(group.version));
    if (status === 201) res.set('Location', String((resource.meta as Json).location));
    sendScim(res, status, shape ? shape(resource) : resource);
  };

  const list = async (res: Response, source: Json) => {
    const params = listParams(source);
    const shape = projector(params);
    const result = await listScimGroups(deps.directory, baseUrl, params, membersWanted(params));
    const resources = shape ? result.resources.map(shape) : result.resources;
    sendScimList(res, result, resources);
  };

  router.get('/Groups', async (req, res) => {
    await list(res, req.query as Json);
  });

  router.post('/Groups/.search', async (req, res) => {
    const body = (req.body ?? {}) as Json;
    if (!Array.isArray(body.schemas) || !body.schemas.includes(SEARCH_REQUEST))
      throw new ScimError(400, `A search body must have schemas ["${SEARCH_REQUEST}"].`, 'invalidSyntax');
    await list(res, body);
  });

  router.get('/Groups/:id', async (req, res) => {
    const projection = listParams(req.query as Json);
    send(res, 200, await readOne(String(req.params.id), projection), projection);
  });

  router.post('/Groups', async (req, res) => {
    const projection = listParams(req.query as Json);
    const body = parseGroupBody(req.body);
    const created = await groups.create(
      { displayName: body.displayName, externalId: body.externalId, replace: body.members },
      writeOptions(req, res),
    );
    send(res, 201, await readOne(created.id, projection), projection);
  });

  router.put('/Groups/:id', async (req, res) => {
    const id = String(req.params.id);
    const projection = listParams(req.query as Json);
    const body = parseGroupBody(req.body);
    await groups.change(
      id,
      { displayName: body.displayName, externalId: body.externalId ?? '', replace: body.members },
      writeOptions(req, res),
    );
    send(res, 200, await readOne(id, projection), projection);
  });

  router.patch('/Groups/:id', async (req, res) => {
    const id = String(req.params.id);
    const projection = listParams(req.query as Json);
    const changed = await groups.change(id, groupPatchChange(req.body, id), writeOptions(req, res));
    if (projection.attributes === undefined && projection.excludedAttributes === undefined) {
      res.set('ETag', etagOf(changed.version)).status(204).end();
      return;
    }
    send(res, 200, await readOne(id, projection), projection);
  });

  router.delete('/Groups/:id', async (req, res) => {
    await groups.delete(String(req.params.id), writeOptions(req, res));
    res.status(204).end();
  });

  return router;
}
