import SCIMMY from 'scimmy';
import type { Config } from '../../config/index.js';
import { DirectoryError, type Actor, type Directory, type UserRecord } from '../directory/index.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { ScimError } from './scim-error.js';
import { userSchema, toPlain, coerceUser, PATCH_OP } from './scim-schema.js';
import { normalizeUserBody, normalizePatchOperations } from './quirks.js';
import { checkResourceLimits } from './resource-limits.js';
import { fastCoerceUser } from './fast-user.js';
import { toScimResource, fromScimResource, etagOf, managedByScim, type DirectoryFields } from './user-resource.js';

// What an IdP's POST, PUT, PATCH and DELETE of a User do to the directory.

const MAX_ATTEMPTS = 10;

const HAND_OVER_DETAIL =
  'A user with this email or userName already exists in Rune and is not managed by the identity provider. ' +
  'A Rune admin can hand them over with POST /api/v1/users/{id}/convert-to-sso; the identity provider can then find and manage them.';

type Json = Record<string, unknown>;

export interface ProvisioningDeps {
  config: Config;
  directory: Directory;
  jobs: JobRunner;
}

export class ScimProvisioner {
  constructor(
    private readonly deps: ProvisioningDeps,
    private readonly baseUrl: string,
  ) {}

  /** A body as directory fields; against `current` (a PUT), a body without `active` keeps the status. */
  private map(body: unknown, current?: UserRecord): DirectoryFields {
    // The shapes IdPs send take the fast path (fast-user.ts, held to scimmy by a differential
    // test); anything it does not recognise, scimmy judges.
    const normalized = normalizeUserBody(body);
    const resource = checkResourceLimits(fastCoerceUser(normalized) ?? coerceUser(normalized, 'in'));
    return fromScimResource(resource, {
      adminRoleValues: this.deps.config.scim.adminRoleValues,
      currentStatus: current?.status,
    });
  }

  /** The user as SCIM may see them: a password user is a 404, like no user at all (DESIGN.md rule 8). */
  private async current(id: string, ifMatch?: string): Promise<UserRecord> {
    const user = await this.deps.directory.getUser(id);
    if (!user || !managedByScim(user)) throw new ScimError(404, `No User with id ${id}.`);
    if (
      ifMatch !== undefined &&
      ifMatch.trim() !== '*' &&
      !ifMatch
        .split(',')
        .map((t) => t.trim())
        .includes(etagOf(user.version))
    ) {
      throw new ScimError(412, `The User changed: its version is ${etagOf(user.version)}.`);
    }
    return user;
  }

  /** POST: `actor` is the IdP's token (scimActor), recorded on the audit events. */
  async create(body: unknown, actor: Actor): Promise<UserRecord> {
    const fields = this.map(body);
    try {
      return await this.deps.directory.createUser(
        {
          name: fields.name,
          email: fields.email,
          mails: fields.mails,
          userName: fields.userName,
          externalId: fields.externalId,
          role: fields.role ?? 'user',
          kind: 'sso',
          status: fields.active ? 'active' : 'inactive',
          scim: fields.scim,
        },
        actor,
      );
    } catch (error) {
      if (await this.collidesWithPasswordUser(error, fields)) throw new ScimError(409, HAND_OVER_DETAIL, 'uniqueness');
      throw error;
    }
  }

  /** Whether a refused create met a user SCIM does not manage (who then needs an admin's hand-over). */
  private async collidesWithPasswordUser(error: unknown, fields: DirectoryFields): Promise<boolean> {
    if (!(error instanceof DirectoryError)) return false;
    const { directory } = this.deps;
    const holder =
      error.code === 'email_taken'
        ? await directory.findUserByEmail(fields.email)
        : error.code === 'username_taken'
          ? await directory.findUserByUserName(fields.userName)
          : null;
    return holder !== null && !managedByScim(holder);
  }

  async replace(id: string, body: unknown, actor: Actor, ifMatch?: string): Promise<UserRecord> {
    return this.write(id, ifMatch, actor, async (user) => this.map(body, user));
  }

  async patch(id: string, body: unknown, actor: Actor, ifMatch?: string): Promise<UserRecord> {
    const message = (body ?? {}) as Json;
    if (!Array.isArray(message.schemas) || message.schemas.length !== 1 || message.schemas[0] !== PATCH_OP) {
      throw new ScimError(400, `A PATCH body must have schemas ["${PATCH_OP}"].`, 'invalidSyntax');
    }
    if (!Array.isArray(message.Operations))
      throw new ScimError(400, 'A PATCH body needs an Operations array.', 'invalidValue');
    // Entra ID sends empty PATCHes; there is nothing to do.
    if (message.Operations.length === 0) return this.current(id, ifMatch);
    return this.write(id, ifMatch, actor, async (user) => {
      const resource = toScimResource(user, this.baseUrl);
      const operations = normalizePatchOperations(message.Operations, resource);
      const patch = new SCIMMY.Messages.PatchOp({ schemas: [PATCH_OP], Operations: operations } as never);
      const User = userSchema();
      const patched = await patch.apply(new User(resource, 'out') as never);
      if (!patched) return undefined;
      return fromScimResource(checkResourceLimits(coerceUser(toPlain(patched), 'in')), {
        adminRoleValues: this.deps.config.scim.adminRoleValues,
      });
    });
  }

  /**
   * Reads, computes the new fields and writes them guarded by the version read, retrying when
   * another request changed the user in between: concurrent PATCHes of different attributes
   * all survive. With If-Match, a change in between is the client's 412 instead. Profile and
   * status go in one write, so a refusal (the last active admin) leaves everything as it was.
   */
  private async write(
    id: string,
    ifMatch: string | undefined,
    actor: Actor,
    compute: (user: UserRecord) => Promise<DirectoryFields | undefined>,
  ) {
    for (let attempt = 0; ; attempt++) {
      const user = await this.current(id, ifMatch);
      const fields = await compute(user);
      if (!fields) return user;
      // SCIM_ADMIN_GROUPS with SCIM_ADMIN_ROLES: admin when either says so (group-lib.lua).
      const { adminGroups } = this.deps.config.scim;
      if (fields.role === 'user' && (await this.deps.directory.groups.inAdminGroup(id, adminGroups)))
        fields.role = 'admin';
      let written: UserRecord;
      try {
        written = await this.deps.directory.updateUser(
          id,
          {
            name: fields.name,
            email: fields.email,
            mails: fields.mails,
            userName: fields.userName,
            externalId: fields.externalId ?? '',
            scim: fields.scim,
            ...(fields.role ? { role: fields.role } : {}),
            status: fields.active ? 'active' : 'inactive',
          },
          actor,
          { expectedVersion: user.version, keepLastAdminRole: true },
        );
      } catch (error) {
        const raced = error instanceof DirectoryError && error.code === 'version_mismatch';
        if (raced && ifMatch === undefined && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      await this.applyStatus(user, written, actor);
      return written;
    }
  }

  /**
   * The status took effect in the write (sessions ended too); a deactivation leaves session keys
   * for the clean-up job, queued without waiting: the IdP's answer never depends on a worker.
   */
  private async applyStatus(before: UserRecord, after: UserRecord, actor: Actor): Promise<void> {
    if (before.status === 'active' && after.status === 'inactive' && after.sessionsToCleanUp > 0) {
      await this.deps.jobs.cleanUpAfterDeactivation(after.id, actor, { wait: false });
    }
  }

  /**
   * DELETE: the IdP's explicit intent (DESIGN.md rule 4), so the user is deleted in the request
   * even while signed in, their sessions ending with the record; the last active admin is refused.
   * Only the keys of those sessions are left, for the clean-up job.
   */
  async remove(id: string, actor: Actor, ifMatch?: string): Promise<void> {
    await this.current(id, ifMatch);
    const { sessionsLeft } = await this.deps.directory.deleteUser(id, actor, { evenIfSignedIn: true });
    if (sessionsLeft > 0) await this.deps.jobs.cleanUpAfterDeactivation(id, actor, { deleted: true, wait: false });
  }
}
