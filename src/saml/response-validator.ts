import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { decodeSamlResponse, guardResponseXml, children, text, NS, type GuardedResponse } from './xml-guard.js';
import { readSignedAssertion, type VerifiedAssertion } from './signed-assertion.js';
import { refusal, type SamlRefusal } from './errors.js';
import { ACS_BODY_LIMIT_BYTES, type ValidationSettings } from './saml-settings.js';

// The whole check of one posted SAML response, CPU-bound and free of I/O: it runs in a worker
// thread. What needs Redis (the login request, replay) is done by the caller with the result.

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

export type ValidationOutcome = { ok: true; assertion: VerifiedAssertion } | ({ ok: false } & SamlRefusal);

type SignedParts = 'response' | 'assertion' | 'both';

export class ResponseValidator {
  // node-saml takes the signatures it requires as options; we require what is present (every
  // present signature must verify, and at least one must be present), so one instance per case.
  private readonly saml: Record<SignedParts, SAML>;

  constructor(private readonly settings: ValidationSettings) {
    const make = (wantAuthnResponseSigned: boolean, wantAssertionsSigned: boolean) =>
      new SAML({
        idpCert: [...settings.idpCerts],
        issuer: settings.spEntityId,
        audience: settings.spEntityId,
        callbackUrl: settings.acsUrl,
        wantAuthnResponseSigned,
        wantAssertionsSigned,
        acceptedClockSkewMs: settings.clockSkewMs,
        // InResponseTo is bound to the browser and consumed atomically in Redis by the caller.
        validateInResponseTo: ValidateInResponseTo.never,
      });
    this.saml = { response: make(true, false), assertion: make(false, true), both: make(true, true) };
  }

  async validate(samlResponse: string, nowMs = Date.now()): Promise<ValidationOutcome> {
    const outcome = await this.check(samlResponse, nowMs);
    return 'code' in outcome ? { ok: false, ...outcome } : { ok: true, assertion: outcome };
  }

  private async check(samlResponse: string, nowMs: number): Promise<VerifiedAssertion | SamlRefusal> {
    const xml = decodeSamlResponse(samlResponse, ACS_BODY_LIMIT_BYTES);
    if (typeof xml !== 'string') return xml;
    const guarded = guardResponseXml(xml);
    if ('code' in guarded) return guarded;
    // A failure status is refused even beside a validly signed assertion.
    const status = checkStatus(guarded.response);
    if (status) return status;
    if (!guarded.responseSigned && !guarded.assertionSigned) {
      return refusal(
        'saml_signature_invalid',
        'The response is not signed: the IdP must sign the assertion, the response, or both.',
      );
    }

    const parts: SignedParts =
      guarded.responseSigned && guarded.assertionSigned ? 'both' : guarded.responseSigned ? 'response' : 'assertion';
    let signedAssertionXml: string;
    try {
      const { profile } = await this.saml[parts].validatePostResponseAsync({ SAMLResponse: samlResponse });
      const signed = profile?.getAssertionXml?.();
      if (!signed) return refusal('saml_response_malformed', 'The response carries no login.');
      signedAssertionXml = signed;
    } catch (error) {
      return fromNodeSaml(error);
    }

    const envelope = checkEnvelope(guarded, this.settings);
    if (envelope) return envelope;
    const assertion = readSignedAssertion(signedAssertionXml, this.settings, nowMs);
    if ('code' in assertion) return assertion;
    return crossCheckInResponseTo(guarded, assertion);
  }
}

function checkStatus(response: Element): SamlRefusal | undefined {
  const status = children(response, NS.protocol, 'Status')[0];
  const code = status && children(status, NS.protocol, 'StatusCode')[0];
  const value = code?.getAttribute('Value') ?? '';
  if (value === SUCCESS) return undefined;
  const nested = code && children(code, NS.protocol, 'StatusCode')[0]?.getAttribute('Value');
  const message = status && text(children(status, NS.protocol, 'StatusMessage')[0]);
  const said = [value || 'no status', nested, message].filter(Boolean).join(', ');
  return refusal('saml_status_not_success', `The IdP did not sign you in (${said}).`);
}

// Response-level fields. Where the Response is signed, node-saml has verified that the signature
// covers this very root element, so its attributes and Issuer are what the IdP signed.
function checkEnvelope(guarded: GuardedResponse, settings: ValidationSettings): SamlRefusal | undefined {
  const { response, responseSigned } = guarded;
  const issuers = children(response, NS.assertion, 'Issuer');
  if (issuers.length > 1) return refusal('saml_response_malformed', 'The Response has more than one Issuer.');
  const issuer = issuers[0] ? text(issuers[0]) : undefined;
  if (issuer === undefined ? responseSigned : issuer !== settings.idpEntityId) {
    return refusal(
      'saml_issuer_mismatch',
      `The Response was issued by "${issuer ?? '(none)'}", not by the configured IdP "${settings.idpEntityId}".`,
    );
  }
  const destination = response.getAttribute('Destination') || undefined;
  if (destination === undefined ? responseSigned : destination !== settings.acsUrl) {
    return refusal(
      'saml_destination_mismatch',
      `The Response is for "${destination ?? '(none)'}", not this ACS (${settings.acsUrl}).`,
    );
  }
  return undefined;
}

// The signed SubjectConfirmationData says which request this answers; an unsigned Response may
// repeat it but not contradict it, nor add one the assertion does not sign.
function crossCheckInResponseTo(
  guarded: GuardedResponse,
  assertion: VerifiedAssertion,
): VerifiedAssertion | SamlRefusal {
  const onResponse = guarded.response.getAttribute('InResponseTo') || undefined;
  if (onResponse === undefined || onResponse === assertion.inResponseTo) return assertion;
  if (assertion.inResponseTo === undefined && guarded.responseSigned) return { ...assertion, inResponseTo: onResponse };
  return refusal('saml_in_response_to_mismatch', 'The Response and its assertion answer different login requests.');
}

function fromNodeSaml(error: unknown): SamlRefusal {
  const message = error instanceof Error ? error.message : String(error);
  if (/signature/i.test(message))
    return refusal(
      'saml_signature_invalid',
      `The signature does not verify with the configured IdP certificate (${message}).`,
    );
  if (/audience/i.test(message)) return refusal('saml_audience_mismatch', message);
  if (/not yet valid/i.test(message)) return refusal('saml_not_yet_valid', message);
  if (/expired/i.test(message)) return refusal('saml_expired', message);
  return refusal('saml_response_malformed', `The SAML response was refused: ${message}`);
}
