import { DirectoryError, type Directory, type OpenedSession } from '../directory/index.js';
import type { Logger } from '../logger.js';
import {
  SamlError,
  NAMEID_TRANSIENT,
  REPLAY,
  REQUEST_COOKIE_MISSING,
  REQUEST_OTHER_BROWSER,
  REQUEST_UNKNOWN,
  UNSOLICITED,
  USER_INACTIVE,
} from './errors.js';
import { ssoUserFor } from './jit-user.js';
import { safeRelayPath } from './relay-state.js';
import type { SamlRequestStore } from './request-store.js';
import { samlIdentity, TRANSIENT_FORMAT } from './saml-identity.js';
import { validationSettings, type SamlSettings } from './saml-settings.js';
import type { VerifiedAssertion } from './signed-assertion.js';
import type { SamlValidationPool } from './validation-pool.js';

// The assertion consumer: a posted response becomes a session, or a refusal that leaves no
// session and no user behind. The login request and the assertion id are spent only by a
// response that is genuine and valid now; what is refused after that (an inactive user, a
// password account) is about the person, and their next login starts afresh.

export interface AcsDeps {
  directory: Directory;
  store: SamlRequestStore;
  pool: SamlValidationPool;
  /** The settings of this moment (the IdP's metadata may have brought new certificates); throws while there are none. */
  settings: () => SamlSettings;
  logger: Logger;
}

export interface PostedResponse {
  samlResponse: string;
  /** The RelayState the IdP posted back; used for IdP-initiated logins only. */
  relayState?: unknown;
  /** The login-cookie secret this browser sent, if any. */
  browserSecret?: string;
}

export interface SamlLogin extends OpenedSession {
  redirectTo: string;
}

export async function completeSamlLogin(deps: AcsDeps, posted: PostedResponse): Promise<SamlLogin> {
  const { directory, store } = deps;
  // One response is checked against one set of settings, even if a refresh lands meanwhile.
  const settings = deps.settings();
  const outcome = await deps.pool.validate(posted.samlResponse, validationSettings(settings));
  if (!outcome.ok) throw new SamlError(outcome.code, outcome.detail);
  const { assertion } = outcome;
  if (assertion.nameIdFormat === TRANSIENT_FORMAT) throw new SamlError('saml_nameid_unsupported', NAMEID_TRANSIENT);

  const redirectTo = await claimLoginRequest(deps, settings, assertion, posted);
  // Within its validity (and the skew we allow), an assertion could be posted again: remember it until then.
  if (!(await store.markAssertionUsed(assertion.assertionId, assertion.notOnOrAfterMs + settings.clockSkewMs))) {
    throw new SamlError('saml_replay', REPLAY);
  }

  const user = await ssoUserFor(directory, samlIdentity(assertion, settings), {
    linkPasswordUsers: settings.linkPasswordUsers,
    logger: deps.logger,
  });
  let opened: OpenedSession;
  try {
    opened = await directory.createSession(user.id, 'full', { recordLogin: true });
  } catch (error) {
    // Deactivated between the lookup and now: the session script refuses atomically.
    if (error instanceof DirectoryError && error.code === 'user_inactive')
      throw new SamlError('user_inactive', USER_INACTIVE);
    throw error;
  }
  await directory.appendAudit({ actorId: user.id, source: 'saml' }, 'user.signed_in', user.id, {
    method: 'saml',
    idpInitiated: assertion.inResponseTo === undefined,
  });
  return { ...opened, redirectTo };
}

/** Spends the login request this response answers, and answers where the browser goes next. */
async function claimLoginRequest(
  deps: AcsDeps,
  settings: SamlSettings,
  assertion: VerifiedAssertion,
  posted: PostedResponse,
): Promise<string> {
  if (assertion.inResponseTo === undefined) {
    if (!settings.allowIdpInitiated) throw new SamlError('saml_unsolicited', UNSOLICITED);
    return safeRelayPath(posted.relayState);
  }
  if (!posted.browserSecret) throw new SamlError('saml_request_other_browser', REQUEST_COOKIE_MISSING);
  const request = await deps.store.consume(assertion.inResponseTo, posted.browserSecret);
  if (request.status !== 'ok') {
    throw request.status === 'unknown'
      ? new SamlError('saml_request_unknown', REQUEST_UNKNOWN)
      : new SamlError('saml_request_other_browser', REQUEST_OTHER_BROWSER);
  }
  return safeRelayPath(request.relayState);
}
