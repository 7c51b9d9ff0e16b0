import { Router } from 'express';
import SCIMMY from 'scimmy';
import { declareScimSchemas } from './scim-schema.js';
import { ScimError } from './scim-error.js';
import { sendScim } from './respond.js';

type Json = Record<string, unknown>;

// ServiceProviderConfig, Schemas and ResourceTypes (RFC 7644 §4), from scimmy's declarations,
// with locations under this service's public URL.
export function discoveryRoutes(baseUrl: string): Router {
  declareScimSchemas();
  const router = Router();
  const locate = (resource: Json, path: string) => ({
    ...resource,
    meta: { ...(resource.meta as Json), location: `${baseUrl}/${path}` },
  });
  const listOf = (resources: Json[]) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  });
  const read = async (resource: { read(): Promise<unknown> }) =>
    JSON.parse(JSON.stringify(await resource.read())) as Json;

  router.get('/ServiceProviderConfig', async (_req, res) => {
    sendScim(res, 200, locate(await read(new SCIMMY.Resources.ServiceProviderConfig()), 'ServiceProviderConfig'));
  });
  for (const [path, Resource] of [
    ['Schemas', SCIMMY.Resources.Schema],
    ['ResourceTypes', SCIMMY.Resources.ResourceType],
  ] as const) {
    router.get(`/${path}`, async (_req, res) => {
      const list = await read(new Resource());
      const resources = (list.Resources as Json[]).map((r) => locate(r, `${path}/${String(r.id)}`));
      sendScim(res, 200, listOf(resources));
    });
    router.get(`/${path}/:id`, async (req, res) => {
      const list = await read(new Resource());
      const found = (list.Resources as Json[]).find((r) => r.id === req.params.id);
      if (!found) throw new ScimError(404, `No ${path.slice(0, -1)} ${req.params.id}.`);
      sendScim(res, 200, locate(found, `${path}/${String(found.id)}`));
    });
  }
  return router;
}
