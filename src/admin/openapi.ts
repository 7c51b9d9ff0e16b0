// The OpenAPI 3.1 description of /api/v1 and /auth, served at /api/v1/openapi.json.
// test/admin/openapi.spec.ts fails when a route exists that this document does not describe.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const ok = (description: string, schema: object) => ({ description, content: json(schema) });
const body = (schema: object) => ({ required: true, content: json(schema) });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

const ADMIN_ERRORS = {
  '401': problem('Not signed in (`unauthenticated`), or the session ended.'),
  '403': problem('Not an admin (`forbidden`), a temporary-password session (`password_change_required`), a deactivated user (`user_inactive`), or a cross-site cookie request.'),
  '503': problem('The directory store is unreachable (`service_unavailable`).'),
};
const NOT_FOUND = { '404': problem('No such user (`not_found`).') };
const JOB_ANSWERS = {
  '202': {
    description: 'Still running after JOB_WAIT_MS: poll the job at the Location header.',
    headers: { Location: { schema: { type: 'string' } } },
    content: json({ type: 'object', properties: { job: { type: 'object', properties: { id: { type: 'string' }, state: { const: 'pending' }, url: { type: 'string' } } } } }),
  },
};
const admin = (summary: string, responses: object, extra: object = {}) => ({
  summary, security: [{ bearer: [] }, { cookie: [] }], responses: { ...responses, ...ADMIN_ERRORS }, ...extra,
});
const userReply = ok('The user.', { type: 'object', properties: { user: ref('User') }, required: ['user'] });

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Rune Directory',
    version: '1',
    description: 'Users, roles and sessions of a Rune organization. Errors are RFC 9457 problem documents with a stable `code`.',
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'The `token` from POST /auth/login.' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'rune_session', description: 'State-changing requests must carry an Origin of this service.' },
    },
    schemas: {
      User: {
        type: 'object',
        required: ['id', 'name', 'email', 'role', 'status', 'kind', 'createdAt', 'lastLoginAt', 'activeSessions'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string', minLength: 3, maxLength: 40 },
          email: { type: 'string', format: 'email' },
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
        required: ['type', 'title', 'status', 'code', 'detail'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          code: { type: 'string', examples: ['last_active_admin', 'cannot_deactivate_self', 'active_sessions', 'email_taken', 'validation_failed'] },
          detail: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
        },
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
          id: { type: 'string' },
          name: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      AuditEvent: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
          actor: { type: ['string', 'null'] },
          source: { enum: ['admin-api', 'auth', 'scim', 'saml', 'cli', 'job', 'system'] },
          action: { type: 'string' },
          target: { type: 'string' },
          details: { type: 'object' },
        },
      },
    },
  },
  paths: {
    '/auth/login': {
      post: {
        summary: 'Sign in with email and password',
        requestBody: body({ type: 'object', required: ['email', 'password'], properties: { email: { type: 'string' }, password: { type: 'string' } } }),
        responses: {
          '200': ok('Signed in; also sets the rune_session cookie.', {
            type: 'object',
            properties: { token: { type: 'string' }, expiresAt: { type: 'string' }, user: ref('User'), mustChangePassword: { type: 'boolean' } },
          }),
          '400': problem('Bad body (`validation_failed`).'),
          '401': problem('Wrong email or password (`invalid_credentials`), an SSO user (`sso_required`), or a temporary password older than TEMP_PASSWORD_TTL (`temporary_password_expired`); the last two only after the attempt was counted.'),
          '403': problem('The account is deactivated (`user_inactive`); said only after the password verified.'),
          '429': problem('Too many failures (`rate_limited`); see Retry-After.'),
        },
      },
    },
    '/auth/password': {
      post: {
        summary: 'Change your own password; the only call a temporary-password session may make',
        security: [{ bearer: [] }, { cookie: [] }],
        requestBody: body({
          type: 'object',
          required: ['newPassword'],
          properties: { currentPassword: { type: 'string', description: 'Required unless the session is a temporary-password one.' }, newPassword: { type: 'string' }, confirmPassword: { type: 'string' } },
        }),
        responses: {
          '200': userReply,
          '400': problem('The password misses requirements (`password_rejected`, each in `errors`).'),
          '401': problem('Not signed in.'),
          '429': problem('Too many wrong current passwords for this account (`rate_limited`); see Retry-After.'),
        },
      },
    },
    '/auth/session': {
      get: {
        summary: 'Who am I',
        security: [{ bearer: [] }, { cookie: [] }],
        responses: { '200': ok('The user and this session.', { type: 'object', properties: { user: ref('User'), session: ref('Session') } }), '401': problem('Not signed in.') },
      },
    },
    '/auth/logout': {
      post: { summary: 'End this session', security: [{ bearer: [] }, { cookie: [] }], responses: { '204': { description: 'Signed out.' }, '401': problem('Not signed in.') } },
    },
    '/api/v1/setup': {
      post: {
        summary: 'Create the first admin while the directory is empty',
        requestBody: body({ type: 'object', required: ['name', 'email', 'password'], properties: { name: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } } }),
        responses: { '201': userReply, '400': problem('Bad body or weak password.'), '409': problem('Already set up (`already_set_up`).') },
      },
    },
    '/api/v1/openapi.json': {
      get: { summary: 'This document', responses: { '200': ok('OpenAPI 3.1.', { type: 'object' }) } },
    },
    '/api/v1/users': {
      get: admin('List users', {
        '200': ok('A page of users.', { type: 'object', properties: { users: { type: 'array', items: ref('User') }, nextCursor: { type: ['string', 'null'] }, total: { type: 'integer' } } }),
        '400': problem('Bad query (`validation_failed`, `invalid_cursor`).'),
      }, {
        parameters: [
          { name: 'status', in: 'query', schema: { enum: ['active', 'inactive'] } },
          { name: 'role', in: 'query', schema: { enum: ['admin', 'user'] } },
          { name: 'q', in: 'query', schema: { type: 'string' }, description: 'Case-insensitive prefix of the email or the name; a full email matches too.' },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        ],
      }),
      post: admin('Create a user with a temporary password (shown once)', {
        '201': ok('Created.', { type: 'object', properties: { user: ref('User'), temporaryPassword: { type: 'string', pattern: '^[A-Za-z0-9]{16}$' } } }),
        '400': problem('Bad body (`validation_failed`, naming each field).'),
        '409': problem('Email taken (`email_taken`).'),
      }, { requestBody: body({ type: 'object', required: ['name', 'email', 'role'], properties: { name: { type: 'string' }, email: { type: 'string' }, role: { enum: ['admin', 'user'] } } }) }),
    },
    '/api/v1/users/{id}': {
      parameters: [idParam],
      get: admin('Read a user', { '200': userReply, ...NOT_FOUND }),
      patch: admin('Change a user’s role or name', {
        '200': userReply,
        '400': problem('Bad body.'),
        '409': problem('`last_active_admin` or `cannot_change_own_role`.'),
        ...NOT_FOUND,
      }, { requestBody: body({ type: 'object', properties: { name: { type: 'string' }, role: { enum: ['admin', 'user'] } } }) }),
      delete: admin('Delete a user (cannot be undone)', {
        '204': { description: 'Deleted.' },
        '409': problem('`active_sessions` (deactivate first), `last_active_admin` or `cannot_delete_self`.'),
        ...NOT_FOUND,
      }),
    },
    '/api/v1/users/{id}/deactivate': {
      parameters: [idParam],
      post: admin('Deactivate a user and revoke their sessions (a job)', {
        '200': userReply, ...JOB_ANSWERS,
        '409': problem('`cannot_deactivate_self` or `last_active_admin`.'),
        ...NOT_FOUND,
      }),
    },
    '/api/v1/users/{id}/activate': {
      parameters: [idParam],
      post: admin('Reactivate a user; they sign in with their existing password', { '200': userReply, ...NOT_FOUND }),
    },
    '/api/v1/users/{id}/revoke-sessions': {
      parameters: [idParam],
      post: admin('End every session of a user at once; a job deletes them', {
        '200': ok('Revoked.', { type: 'object', properties: { user: ref('User'), sessionsRevoked: { type: 'integer' } } }),
        ...JOB_ANSWERS,
        ...NOT_FOUND,
      }),
    },
    '/api/v1/users/{id}/convert-to-sso': {
      parameters: [idParam],
      post: admin('Hand a password user over to the identity provider: the password is removed, every session ends at once, and SCIM may then manage the user', {
        '200': userReply,
        '409': problem('The user already signs in through the identity provider (`already_sso`).'),
        ...NOT_FOUND,
      }),
    },
    '/api/v1/users/{id}/reset-password': {
      parameters: [idParam],
      post: admin('Give a password user a new temporary password (shown once); every session of theirs ends at once', {
        '200': ok('Reset; the next sign-in must change the password (Cache-Control: no-store).', {
          type: 'object', properties: { user: ref('User'), temporaryPassword: { type: 'string', pattern: '^[A-Za-z0-9]{16}$' } },
        }),
        '409': problem('The user signs in through the identity provider and has no password (`sso_user`).'),
        ...NOT_FOUND,
      }),
    },
    '/api/v1/jobs/{id}': {
      parameters: [idParam],
      get: admin('A job’s state, result or failure', { '200': ok('The job.', { type: 'object', properties: { job: ref('Job') } }), '404': problem('No such job.') }),
    },
    '/api/v1/scim-tokens': {
      get: admin('List SCIM tokens (never the tokens themselves)', {
        '200': ok('The tokens.', { type: 'object', properties: { tokens: { type: 'array', items: ref('ScimToken') } } }),
      }),
      post: admin('Create a SCIM token; the token is shown once', {
        '201': ok('Created.', { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, token: { type: 'string' } } }),
        '400': problem('Bad body (`validation_failed`).'),
      }, { requestBody: body({ type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } }) }),
    },
    '/api/v1/scim-tokens/{id}': {
      parameters: [idParam],
      delete: admin('Revoke a SCIM token', { '204': { description: 'Revoked.' }, '404': problem('No such token.') }),
    },
    '/api/v1/audit': {
      get: admin('Audit events, newest first', {
        '200': ok('A page of events.', { type: 'object', properties: { events: { type: 'array', items: ref('AuditEvent') }, nextCursor: { type: ['string', 'null'] } } }),
      }, {
        parameters: [
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        ],
      }),
    },
  } as Record<string, Record<string, unknown>>,
};
