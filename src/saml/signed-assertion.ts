import { DOMParser } from '@xmldom/xmldom';
import { NS, children, text } from './xml-guard.js';
import { refusal, type SamlRefusal } from './errors.js';
import type { ValidationSettings } from './saml-settings.js';

// Reads the assertion from the bytes the signature covers (never from the posted document,
// which may hold anything beside them) and checks what node-saml leaves to its caller: the
// issuer, the bearer confirmation (recipient, times, InResponseTo) and the conditions again.

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const XML_ID = /^[A-Za-z_][\w.-]{0,255}$/;

export interface VerifiedAssertion {
  assertionId: string;
  nameId: string;
  nameIdFormat?: string;
  /** From the signed SubjectConfirmationData; the unsigned Response's copy is only cross-checked. */
  inResponseTo?: string;
  /** The earliest NotOnOrAfter: the assertion is worthless (and its replay key may go) after it. */
  notOnOrAfterMs: number;
  /** A Map, not an object: attribute names come from outside (think "__proto__"). */
  attributes: Map<string, string[]>;
}

export function readSignedAssertion(
  signedXml: string,
  settings: ValidationSettings,
  nowMs: number,
): VerifiedAssertion | SamlRefusal {
  const malformed = (detail: string) => refusal('saml_response_malformed', detail);
  const doc = new DOMParser({
    errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} },
  }).parseFromString(signedXml, 'text/xml');
  const assertion = doc.documentElement;
  if (!assertion || assertion.namespaceURI !== NS.assertion || assertion.localName !== 'Assertion') {
    return malformed('The signed content is not an assertion.');
  }
  const assertionId = assertion.getAttribute('ID') ?? '';
  if (!XML_ID.test(assertionId)) return malformed('The assertion has no valid ID.');

  const issuer = text(children(assertion, NS.assertion, 'Issuer')[0]);
  if (issuer !== settings.idpEntityId) {
    return refusal(
      'saml_issuer_mismatch',
      `The assertion was issued by "${issuer}", not by the configured IdP "${settings.idpEntityId}".`,
    );
  }

  const [subject, ...moreSubjects] = children(assertion, NS.assertion, 'Subject');
  if (!subject || moreSubjects.length > 0) return malformed('The assertion must have exactly one Subject.');
  const nameIds = children(subject, NS.assertion, 'NameID');
  const nameId = text(nameIds[0]);
  if (nameIds.length !== 1 || !nameId || nameId.length > 1024)
    return malformed('The Subject must have exactly one non-empty NameID.');
  const nameIdFormat = nameIds[0]!.getAttribute('Format') || undefined;

  const confirmation = bearerConfirmation(subject, settings, nowMs);
  if ('code' in confirmation) return confirmation;

  const conditions = checkConditions(assertion, settings, nowMs);
  if ('code' in conditions) return conditions;

  return {
    assertionId,
    nameId,
    nameIdFormat,
    inResponseTo: confirmation.inResponseTo,
    notOnOrAfterMs: Math.min(confirmation.notOnOrAfterMs, conditions.notOnOrAfterMs ?? Infinity),
    attributes: readAttributes(assertion),
  };
}

/** A bearer SubjectConfirmation addressed to our ACS and valid now; the first problem otherwise. */
function bearerConfirmation(subject: Element, settings: ValidationSettings, nowMs: number) {
  const bearers = children(subject, NS.assertion, 'SubjectConfirmation').filter(
    (c) => c.getAttribute('Method') === BEARER,
  );
  if (bearers.length === 0) return refusal('saml_response_malformed', 'The Subject has no bearer SubjectConfirmation.');
  let first: SamlRefusal | undefined;
  for (const bearer of bearers) {
    const data = children(bearer, NS.assertion, 'SubjectConfirmationData')[0];
    const outcome = data
      ? checkConfirmationData(data, settings, nowMs)
      : refusal('saml_response_malformed', 'SubjectConfirmationData is missing.');
    if (!('code' in outcome)) return outcome;
    first ??= outcome;
  }
  return first!;
}

function checkConfirmationData(data: Element, settings: ValidationSettings, nowMs: number) {
  const recipient = data.getAttribute('Recipient') ?? '';
  if (recipient !== settings.acsUrl) {
    return refusal(
      'saml_recipient_mismatch',
      `The assertion is for the recipient "${recipient}", not this ACS (${settings.acsUrl}).`,
    );
  }
  const window = checkWindow(data, 'SubjectConfirmationData', settings, nowMs);
  if ('code' in window) return window;
  // A bearer assertion must say until when it may be used: it is how replays are bounded.
  if (window.notOnOrAfterMs === undefined)
    return refusal('saml_response_malformed', 'SubjectConfirmationData has no NotOnOrAfter.');
  return { notOnOrAfterMs: window.notOnOrAfterMs, inResponseTo: data.getAttribute('InResponseTo') || undefined };
}

function checkConditions(assertion: Element, settings: ValidationSettings, nowMs: number) {
  const all = children(assertion, NS.assertion, 'Conditions');
  const conditions = all[0];
  if (all.length !== 1 || !conditions)
    return refusal('saml_response_malformed', 'The assertion must have exactly one Conditions element.');
  const window = checkWindow(conditions, 'Conditions', settings, nowMs);
  if ('code' in window) return window;
  const restrictions = children(conditions, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) return refusal('saml_audience_mismatch', 'The assertion has no AudienceRestriction.');
  for (const restriction of restrictions) {
    const audiences = children(restriction, NS.assertion, 'Audience').map(text);
    if (!audiences.includes(settings.spEntityId)) {
      return refusal(
        'saml_audience_mismatch',
        `The assertion is for the audience "${audiences.join('", "')}", not ${settings.spEntityId}.`,
      );
    }
  }
  return window;
}

/** NotBefore / NotOnOrAfter of an element, with the allowed clock skew either way. */
function checkWindow(el: Element, what: string, settings: ValidationSettings, nowMs: number) {
  const notBefore = el.getAttribute('NotBefore') || undefined;
  const notOnOrAfter = el.getAttribute('NotOnOrAfter') || undefined;
  const notBeforeMs = notBefore === undefined ? undefined : parseDateTime(notBefore);
  const notOnOrAfterMs = notOnOrAfter === undefined ? undefined : parseDateTime(notOnOrAfter);
  if (Number.isNaN(notBeforeMs) || Number.isNaN(notOnOrAfterMs))
    return refusal('saml_response_malformed', `${what} has an invalid time.`);
  if (notBeforeMs !== undefined && nowMs + settings.clockSkewMs < notBeforeMs) {
    return refusal('saml_not_yet_valid', `The assertion is not valid before ${notBefore} (${what}).`);
  }
  if (notOnOrAfterMs !== undefined && nowMs - settings.clockSkewMs >= notOnOrAfterMs) {
    return refusal('saml_expired', `The assertion expired at ${notOnOrAfter} (${what}).`);
  }
  return { notOnOrAfterMs };
}

export function parseDateTime(value: string): number {
  return DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
}

function readAttributes(assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attribute of children(statement, NS.assertion, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const values = children(attribute, NS.assertion, 'AttributeValue').map(text).filter(Boolean);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return attributes;
}
