import type { UserRecord, Role, Status, Kind } from './types.js';

/** The raw hash of a user, as a script answers it. */
export type RawUser = Record<string, string | number | undefined>;

const date = (value: string | number | undefined) =>
  value === undefined || value === '' ? undefined : new Date(Number(value));

export function toUserRecord(raw: RawUser): UserRecord {
  const text = (field: string) => (raw[field] === undefined ? undefined : String(raw[field]));
  return {
    id: String(raw.id),
    name: String(raw.name),
    email: text('email') ?? null,
    userName: text('userName') ?? String(raw.email),
    externalId: text('externalId'),
    nameId: text('nameId'),
    role: raw.role as Role,
    status: raw.status as Status,
    kind: raw.kind as Kind,
    mustChangePassword: raw.mustChangePassword === '1',
    temporaryPasswordSetAt: raw.mustChangePassword === '1' ? date(raw.tempPasswordSetAt) : undefined,
    createdAt: date(raw.createdAt)!,
    updatedAt: date(raw.updatedAt)!,
    lastLoginAt: date(raw.lastLoginAt),
    version: Number(raw.version ?? 1),
    scim: text('scim'),
    activeSessions: Number(raw.activeSessions ?? 0),
    sessionsToCleanUp: Number(raw.sessionsToCleanUp ?? 0),
  };
}
