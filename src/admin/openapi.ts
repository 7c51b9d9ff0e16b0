import { z } from 'zod';
import { CreateUserSchema, ListUsersQuery, UpdateUserSchema } from './users.schema.js';
import { CreateScimTokenSchema } from './scim-tokens.schema.js';
import { AuditQuery } from './audit.schema.js';
import { ChangePasswordSchema, LoginSchema, SetupSchema } from '../auth/auth.schema.js';

// The OpenAPI 3.1 description of /api/v1, /auth and the health checks, served at
// /api/v1/openapi.json and read by the reference at /api/v1/docs. Request bodies and query
// parameters are generated from the zod schemas the routes validate with, so they cannot
// drift; responses are written here. test/admin/openapi.spec.ts fails on a route this
// document does not describe, and runs redocly lint on it.

type Schema = Record<string, unknown>;

/** A zod schema as the JSON Schema of what a client sends (refinements are checked, not described). */
function fromZod(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Schema;
  return jsonSchema;
}

/** Query parameters, one per property of a zod object schema. */
function queryParameters(schema: z.ZodType): Schema[] {
  const { properties = {}, required = [] } = fromZod(schema) as {
    properties?: Record<string, Schema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: property,
    ...(description ? { description } : {}),
  }));
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const ok = (description: string, schema: object) => ({ description, content: json(schema) });
const body = (name: string) => ({ required: true, content: json(ref(name)) });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

const SIGNED_IN = [{ bearer: [] }, { cookie: [] }];
const PUBLIC: never[] = [];

// What every route that reads a JSON body may answer before its own checks.
const BODY_ERRORS = {
  '400': problem(
    'A bad body: not JSON (`invalid_json`, also when nested deeper than 32 levels), text that is not Unicode (`invalid_text`), or fields that fail the schema (`validation_failed`, every field in `errors`).',
  ),
  '413': problem('The body is too large (`payload_too_large`).'),
  '415': problem(
    'The body is not JSON: another or no Content-Type (`unsupported_media_type`, the accepted types in `accepted`), or not UTF-8.',
  ),
};
const QUERY_ERRORS = { '400': problem('A query string holding text that is not Unicode (`invalid_text`).') };
const SIGNED_IN_ERRORS = {
  '401': problem('Not signed in (`unauthenticated`), or the session ended.'),
  '403': problem(
    'A temporary-password session (`password_change_required`), a deactivated user (`user_inactive`), or a cookie request from another origin (`forbidden`).',
  ),
  '503': problem('The directory store is unreachable (`service_unavailable`); see Retry-After.'),
};
const ADMIN_ERRORS = {
  ...SIGNED_IN_ERRORS,
  '403': problem(
    'Not an admin (`forbidden`), a temporary-password session (`password_change_required`), a deactivated user (`user_inactive`), or a cookie request from another origin.',
  ),
};
const NOT_FOUND = { '404': problem('No such user (`not_found`; also for an id that is not a UUID).') };
const JOB_PENDING = {
  description: 'Done in the request, still being cleaned up after JOB_WAIT_MS: poll the job at the Location header.',
  headers: { Location: { description: 'The job, /api/v1/jobs/{id}.', schema: { type: 'string' } } },
};

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  responses: Record<string, unknown>;
  [key: string]: unknown;
}

const admin = (operationId: string, summary: string, responses: object, extra: object = {}): Operation => ({
  operationId,
  summary,
  tags: [tagOf(operationId)],
  security: SIGNED_IN,
  ...extra,
  responses: {
    ...responses,
    ...ADMIN_ERRORS,
    ...('requestBody' in extra ? BODY_ERRORS : {}),
    ...(responses as Record<string, unknown>),
  },
});
const tagOf = (operationId: string) =>
  /ScimToken|Connection/.test(operationId)
    ? 'SCIM tokens'
    : /Audit/.test(operationId)
      ? 'Audit'
      : /Job/.test(operationId)
        ? 'Jobs'
        : 'Users';
const userReply = ok('The user.', { type: 'object', properties: { user: ref('User') }, required: ['user'] });

const schemas: Record<string, Schema> = {
  LoginRequest: fromZod(LoginSchema),
  ChangePasswordRequest: fromZod(ChangePasswordSchema),
  SetupRequest: fromZod(SetupSchema),
  CreateUserRequest: fromZod(CreateUserSchema),
  UpdateUserRequest: fromZod(UpdateUserSchema),
  CreateScimTokenRequest: fromZod(CreateScimTokenSchema),
  User: {
    type: 'object',
    required: ['id', 'name', 'email', 'role', 'status', 'kind', 'createdAt', 'lastLoginAt', 'activeSessions'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string', minLength: 3, maxLength: 40 },
      email: {
        type: ['string', 'null'],
        format: 'email',
        description: 'Null for an SSO user whose identity provider sent no valid address (they sign in by SAML).',
      },
      role: { enum: ['admin', 'user'] },
      status: { enum: ['active', 'inactive'] },
      kind: { enum: ['password', 'sso'] },
      mustChangePassword: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      lastLoginAt: { type: ['string', 'null'], format: 'date-time' },
      activeSessions: { type: 'integer', minimum: 0 },
    },
  },
  Session: {
    type: 'object',
    properties: {
      scope: { enum: ['full', 'password-change'] },
      createdAt: { type: 'string', format: 'date-time' },
      lastSeenAt: { type: 'string', format: 'date-time' },
      expiresAt: { type: 'string', format: 'date-time', description: 'When it ends if left idle.' },
      absoluteExpiresAt: { type: 'string', format: 'date-time' },
    },
  },
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem document; `code` is stable, `detail` is for people.',
    required: ['type', 'title', 'status', 'code', 'detail'],
    properties: {
      type: { type: 'string', examples: ['urn:rune-directory:problem:last_active_admin'] },
      title: { type: 'string' },
      status: { type: 'integer' },
      code: {
        type: 'string',
        examples: [
          'last_active_admin',
          'cannot_deactivate_self',
          'active_sessions',
          'email_taken',
          'validation_failed',
        ],
      },
      detail: { type: 'string' },
      errors: {
        type: 'array',
        description: 'Every field that failed, at once.',
        items: {
          type: 'object',
          required: ['field', 'message'],
          properties: { field: { type: 'string' }, message: { type: 'string' } },
        },
      },
      accepted: {
        type: 'array',
        items: { type: 'string' },
        description: 'With `unsupported_media_type`: the media types the route reads.',
      },
      job: { type: 'string', description: 'With a refusal that came from a job: its id.' },
    },
  },
  PendingJob: {
    type: 'object',
    required: ['id', 'state', 'url'],
    properties: { id: { type: 'string' }, state: { const: 'pending' }, url: { type: 'string' } },
  },
  Job: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      queue: { enum: ['deactivation', 'session-revocation'] },
      state: { type: 'string', examples: ['waiting', 'active', 'completed', 'failed'] },
      createdAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
      attemptsMade: { type: 'integer' },
      result: {},
      failure: { type: ['object', 'null'], properties: { code: { type: 'string' }, detail: { type: 'string' } } },
    },
  },
  ScimToken: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  Connection: {
    type: 'object',
    required: ['publicUrl', 'scim', 'saml'],
    properties: {
      publicUrl: { type: 'string', format: 'uri' },
      scim: { type: 'object', properties: { baseUrl: { type: 'string', format: 'uri' } } },
      saml: {
        type: 'object',
        description: 'Without SAML configured, only `configured: false`.',
        required: ['configured'],
        properties: {
          configured: { type: 'boolean' },
          entityId: { type: 'string', description: 'The SP entity id (Audience).' },
          acsUrl: { type: 'string', format: 'uri', description: 'Assertion consumer service, HTTP-POST.' },
          metadataUrl: { type: 'string', format: 'uri' },
          loginUrl: { type: 'string', format: 'uri' },
          idpEntityId: {
            type: ['string', 'null'],
            description: 'The IdP trusted now; null until its metadata arrives.',
          },
        },
      },
    },
  },
  AuditEvent: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      actor: { type: ['string', 'null'] },
      actorName: {
        type: ['string', 'null'],
        description: 'The actor in words: the user’s name, or the SCIM token’s; null when no longer known.',
      },
      source: { enum: ['admin-api', 'auth', 'scim', 'saml', 'cli', 'job', 'system'] },
      action: { type: 'string' },
      target: { type: 'string' },
      targetName: {
        type: ['string', 'null'],
        description: 'The target in words: the user’s (or SCIM token’s) name; null when no longer known.',
      },
      details: { type: 'object' },
    },
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string' },
      details: {
        type: 'object',
        description:
          '/readyz with SAML_IDP_METADATA_URL: the IdP metadata’s state (informative; never makes it unready).',
      },
    },
  },
};

const paths: Record<string, Record<string, unknown>> = {
  '/healthz': {
    get: {
      operationId: 'checkLiveness',
      summary: 'The process is alive',
      tags: ['Service'],
      security: PUBLIC,
      responses: { '200': ok('Alive.', ref('Health')) },
    },
  },
  '/readyz': {
    get: {
      operationId: 'checkReadiness',
      summary: 'Redis answers and the process is not shutting down',
      tags: ['Service'],
      security: PUBLIC,
      responses: {
        '200': ok('Ready (`ready`).', ref('Health')),
        '503': ok('Not ready: `redis_unavailable` or `shutting_down`.', ref('Health')),
      },
    },
  },
  '/auth/methods': {
    get: {
      operationId: 'getSignInMethods',
      summary:
        'What the sign-in page offers: SSO when SAML is configured, first-admin setup while the directory is empty',
      tags: ['Sign-in'],
      security: PUBLIC,
      responses: {
        '200': ok('The sign-in methods.', {
          type: 'object',
          properties: {
            password: { type: 'boolean' },
            saml: { type: 'boolean', description: 'GET /saml/login signs in through the IdP.' },
            setupRequired: { type: 'boolean', description: 'No user yet: POST /api/v1/setup creates the first admin.' },
            passwordMinLength: { type: 'integer' },
            publicUrl: { type: 'string', format: 'uri' },
          },
          required: ['password', 'saml', 'setupRequired', 'passwordMinLength', 'publicUrl'],
        }),
        ...QUERY_ERRORS,
        '503': SIGNED_IN_ERRORS['503'],
      },
    },
  },
  '/auth/login': {
    post: {
      operationId: 'signIn',
      summary: 'Sign in with email and password',
      tags: ['Sign-in'],
      security: PUBLIC,
      requestBody: body('LoginRequest'),
      responses: {
        '200': ok('Signed in; also sets the rune_session cookie.', {
          type: 'object',
          properties: {
            token: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
            user: ref('User'),
            mustChangePassword: { type: 'boolean' },
          },
        }),
        ...BODY_ERRORS,
        '401': problem(
          'Wrong email or password (`invalid_credentials`), an SSO user (`sso_required`), or a temporary password older than TEMP_PASSWORD_TTL (`temporary_password_expired`); the last two only after the attempt was counted.',
        ),
        '403': problem('The account is deactivated (`user_inactive`); said only after the password verified.'),
        '429': problem('Too many failures (`rate_limited`); see Retry-After.'),
        '503': SIGNED_IN_ERRORS['503'],
      },
    },
  },
  '/auth/password': {
    post: {
      operationId: 'changePassword',
      summary: 'Change your own password; the only call a temporary-password session may make',
      tags: ['Sign-in'],
      security: SIGNED_IN,
      requestBody: body('ChangePasswordRequest'),
      responses: {
        '200': userReply,
        ...BODY_ERRORS,
        '400': problem(
          'A bad body (`validation_failed`, also for a missing `currentPassword` on a full session), a wrong current password or a new one that misses requirements (`password_rejected`, each in `errors`).',
        ),
        '401': problem(
          'Not signed in (`unauthenticated`), an SSO user (`sso_required`), or the session ended while the new password was hashed, by a reset, a revocation or a deactivation (`session_ended`; the password is unchanged).',
        ),
        '429': problem('Too many wrong current passwords for this account (`rate_limited`); see Retry-After.'),
        '503': SIGNED_IN_ERRORS['503'],
      },
    },
  },
  '/auth/session': {
    get: {
      operationId: 'getSession',
      summary: 'Who am I',
      tags: ['Sign-in'],
      security: SIGNED_IN,
      responses: {
        '200': ok('The user and this session.', {
          type: 'object',
          properties: { user: ref('User'), session: ref('Session') },
        }),
        ...SIGNED_IN_ERRORS,
      },
    },
  },
  '/auth/logout': {
    post: {
      operationId: 'signOut',
      summary: 'End this session',
      tags: ['Sign-in'],
      security: SIGNED_IN,
      responses: { '204': { description: 'Signed out.' }, ...SIGNED_IN_ERRORS },
    },
  },
  '/api/v1/setup': {
    post: {
      operationId: 'setUp',
      summary: 'Create the first admin while the directory is empty',
      tags: ['Setup'],
      security: PUBLIC,
      requestBody: body('SetupRequest'),
      responses: {
        '201': userReply,
        ...BODY_ERRORS,
        '400': problem(
          'A bad body (`validation_failed`, every field in `errors`) or a weak password (`password_rejected`).',
        ),
        '409': problem('Already set up (`already_set_up`).'),
      },
    },
  },
  '/api/v1/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      tags: ['Service'],
      security: PUBLIC,
      responses: { '200': ok('OpenAPI 3.1.', { type: 'object' }), ...QUERY_ERRORS },
    },
  },
  '/api/v1/docs': {
    get: {
      operationId: 'getApiReference',
      summary: 'This document as a readable reference (Swagger UI, served locally)',
      tags: ['Service'],
      security: PUBLIC,
      responses: {
        '200': { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } },
        ...QUERY_ERRORS,
      },
    },
  },
  '/api/v1/users': {
    get: admin(
      'listUsers',
      'List users',
      {
        '200': ok('A page of users.', {
          type: 'object',
          properties: {
            users: { type: 'array', items: ref('User') },
            nextCursor: { type: ['string', 'null'] },
            total: { type: 'integer' },
          },
        }),
        '400': problem('A bad query (`validation_failed`, `invalid_cursor`, `invalid_text`).'),
      },
      { parameters: queryParameters(ListUsersQuery) },
    ),
    post: admin(
      'createUser',
      'Create a user with a temporary password (shown once)',
      {
        '201': ok('Created (Cache-Control: no-store).', {
          type: 'object',
          properties: { user: ref('User'), temporaryPassword: { type: 'string', pattern: '^[A-Za-z0-9]{16}$' } },
        }),
        '409': problem('Email taken (`email_taken`).'),
      },
      { requestBody: body('CreateUserRequest') },
    ),
  },
  '/api/v1/users/{id}': {
    parameters: [idParam],
    get: admin('getUser', 'Read a user', { '200': userReply, ...NOT_FOUND }),
    patch: admin(
      'updateUser',
      'Change a user’s role or name',
      {
        '200': userReply,
        '409': problem('`last_active_admin` or `cannot_change_own_role`.'),
        ...NOT_FOUND,
      },
      { requestBody: body('UpdateUserRequest') },
    ),
    delete: admin('deleteUser', 'Delete a user (cannot be undone)', {
      '204': { description: 'Deleted.' },
      '409': problem('`active_sessions` (deactivate first), `last_active_admin` or `cannot_delete_self`.'),
      ...NOT_FOUND,
    }),
  },
  '/api/v1/users/{id}/deactivate': {
    parameters: [idParam],
    post: admin(
      'deactivateUser',
      'Deactivate a user: they are inactive and every session ends in the request; a job deletes the sessions',
      {
        '200': userReply,
        '202': {
          ...JOB_PENDING,
          content: json({
            type: 'object',
            required: ['job', 'user'],
            properties: { job: ref('PendingJob'), user: ref('User') },
          }),
        },
        '409': problem('`cannot_deactivate_self` or `last_active_admin`.'),
        ...NOT_FOUND,
      },
    ),
  },
  '/api/v1/users/{id}/activate': {
    parameters: [idParam],
    post: admin('activateUser', 'Reactivate a user; they sign in with their existing password', {
      '200': userReply,
      ...NOT_FOUND,
    }),
  },
  '/api/v1/users/{id}/revoke-sessions': {
    parameters: [idParam],
    post: admin('revokeUserSessions', 'End every session of a user at once; a job deletes them', {
      '200': ok('Revoked.', {
        type: 'object',
        properties: { user: ref('User'), sessionsRevoked: { type: 'integer' } },
      }),
      '202': {
        ...JOB_PENDING,
        content: json({ type: 'object', required: ['job'], properties: { job: ref('PendingJob') } }),
      },
      ...NOT_FOUND,
    }),
  },
  '/api/v1/users/{id}/convert-to-sso': {
    parameters: [idParam],
    post: admin(
      'convertUserToSso',
      'Hand a password user over to the identity provider: the password is removed, every session ends at once, and SCIM may then manage the user',
      {
        '200': userReply,
        '409': problem('The user already signs in through the identity provider (`already_sso`).'),
        ...NOT_FOUND,
      },
    ),
  },
  '/api/v1/users/{id}/reset-password': {
    parameters: [idParam],
    post: admin(
      'resetUserPassword',
      'Give a password user a new temporary password (shown once); every session of theirs ends at once',
      {
        '200': ok('Reset; the next sign-in must change the password (Cache-Control: no-store).', {
          type: 'object',
          properties: { user: ref('User'), temporaryPassword: { type: 'string', pattern: '^[A-Za-z0-9]{16}$' } },
        }),
        '409': problem('The user signs in through the identity provider and has no password (`sso_user`).'),
        ...NOT_FOUND,
      },
    ),
  },
  '/api/v1/jobs/{id}': {
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    get: admin('getJob', 'A job’s state, result or failure', {
      '200': ok('The job.', { type: 'object', properties: { job: ref('Job') } }),
      '404': problem('No such job (`not_found`).'),
    }),
  },
  '/api/v1/scim-tokens': {
    get: admin('listScimTokens', 'List SCIM tokens (never the tokens themselves)', {
      '200': ok('The tokens.', { type: 'object', properties: { tokens: { type: 'array', items: ref('ScimToken') } } }),
    }),
    post: admin(
      'createScimToken',
      'Create a SCIM token; the token is shown once',
      {
        '201': ok('Created (Cache-Control: no-store).', {
          type: 'object',
          properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, token: { type: 'string' } },
        }),
      },
      { requestBody: body('CreateScimTokenRequest') },
    ),
  },
  '/api/v1/scim-tokens/{id}': {
    parameters: [idParam],
    delete: admin('revokeScimToken', 'Revoke a SCIM token', {
      '204': { description: 'Revoked.' },
      '404': problem('No such token (`not_found`).'),
    }),
  },
  '/api/v1/connection': {
    get: admin('getConnection', 'What to paste into the IdP: the SCIM base URL and the SAML SP URLs', {
      '200': ok('The URLs, from PUBLIC_URL.', ref('Connection')),
      '400': problem('A query parameter (`validation_failed`): this route takes none.'),
    }),
  },
  '/api/v1/audit': {
    get: admin(
      'listAuditEvents',
      'Audit events, newest first',
      {
        '200': ok('A page of events.', {
          type: 'object',
          properties: { events: { type: 'array', items: ref('AuditEvent') }, nextCursor: { type: ['string', 'null'] } },
        }),
        '400': problem('A bad query (`validation_failed`, `invalid_text`).'),
      },
      { parameters: queryParameters(AuditQuery) },
    ),
  },
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Rune Directory',
    version: '1',
    description:
      'Users, roles and sessions of a Rune organization. Errors are RFC 9457 problem documents with a stable `code`; a bad body names every bad field at once.',
    license: { name: 'Proprietary (UNLICENSED)', identifier: 'LicenseRef-UNLICENSED' },
  },
  // Relative: the document is right behind any proxy or PUBLIC_URL.
  servers: [{ url: '/', description: 'This service' }],
  security: SIGNED_IN,
  tags: [
    { name: 'Setup', description: 'The first admin.' },
    {
      name: 'Sign-in',
      description: 'Password sign-in and the forced password change; SSO users sign in at /saml/login.',
    },
    {
      name: 'Users',
      description: 'The admin’s view of the directory; the rules of the guide are enforced in the request.',
    },
    { name: 'Jobs', description: 'Clean-up work (session deletion, SCIM deletes) that outlives a request.' },
    { name: 'SCIM tokens', description: 'Bearer tokens for an identity provider’s SCIM client, shown once.' },
    { name: 'Audit', description: 'Who did what to whom, from which source.' },
    { name: 'Service', description: 'Health checks and this description.' },
  ],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'The `token` from POST /auth/login.' },
      cookie: {
        type: 'apiKey',
        in: 'cookie',
        name: 'rune_session',
        description: 'State-changing requests must carry an Origin of this service.',
      },
    },
    schemas,
  },
  paths,
};
