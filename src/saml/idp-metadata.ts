import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { children, NS } from './xml-guard.js';

// The IdP's SAML metadata (what Okta and Entra publish at a URL): who it is, where logins start,
// and which certificates sign its responses. Fetched over TLS, which is what we trust it by;
// the metadata's own signature (Entra signs, Okta does not) is not checked.

export interface IdpMetadata {
  readonly entityId: string;
  /** The SingleSignOnService for the HTTP-Redirect binding, the one our AuthnRequests use. */
  readonly ssoUrl: string;
  /** Signing certificates as PEM, in document order (two during a rollover). */
  readonly certs: readonly string[];
}

/** Why a copy of the metadata was not taken: a sentence for the log and /readyz. */
export class IdpMetadataError extends Error {
  override name = 'IdpMetadataError';
}

/** Real metadata is 5–60 KB (Entra's, with its WS-Federation roles, is the big one). */
export const METADATA_MAX_BYTES = 1024 * 1024;

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const DOCUMENT_TYPE = 10;

export interface FetchOptions {
  timeoutMs: number;
  /** Aborts the fetch when the owner closes. */
  signal?: AbortSignal;
}

/** Fetches and parses the metadata; any failure is an IdpMetadataError saying why. */
export async function fetchIdpMetadata(url: string, options: FetchOptions): Promise<IdpMetadata> {
  const signal = options.signal
    ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal])
    : AbortSignal.timeout(options.timeoutMs);
  let xml: string;
  try {
    // A redirect is refused rather than followed: it could lead off https.
    const response = await fetch(url, {
      signal,
      redirect: 'error',
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new IdpMetadataError(`the server answered HTTP ${response.status}`);
    }
    xml = await readCapped(response, METADATA_MAX_BYTES);
  } catch (error) {
    throw asMetadataError(error, options.timeoutMs);
  }
  return parseIdpMetadata(xml);
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new IdpMetadataError(`the document is larger than ${maxBytes / 1024} KiB`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader!.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Buffer.concat(chunks));
  } catch {
    throw new IdpMetadataError('the document is not UTF-8 text');
  }
}

function asMetadataError(error: unknown, timeoutMs: number): IdpMetadataError {
  if (error instanceof IdpMetadataError) return error;
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return new IdpMetadataError(`no complete answer within ${timeoutMs / 1000} s`);
  if (e?.name === 'AbortError') return new IdpMetadataError('the fetch was stopped (shutting down)');
  const cause = e?.cause?.code ?? e?.cause?.message;
  return new IdpMetadataError(`the fetch failed: ${cause ?? e?.message ?? String(error)}`);
}

/** The entity id, redirect SSO URL and signing certificates of an EntityDescriptor, or why not. */
export function parseIdpMetadata(xml: string): IdpMetadata {
  // As for SAML responses (xml-guard.ts): metadata needs no DTD, and entities are how XML bombs and XXE begin.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new IdpMetadataError('a DOCTYPE is not allowed in SAML metadata');
  const problems: string[] = [];
  const complain = (message: string) => void problems.push(message.split('\n')[0]!.replace(/^\[xmldom \w+\]\s*/, ''));
  const doc = new DOMParser({
    locator: {},
    errorHandler: { warning: complain, error: complain, fatalError: complain },
  }).parseFromString(xml, 'text/xml');
  if (problems.length > 0) throw new IdpMetadataError(`the document is not well-formed XML: ${problems[0]}`);
  for (let i = 0; i < doc.childNodes.length; i++) {
    if (doc.childNodes.item(i)?.nodeType === DOCUMENT_TYPE)
      throw new IdpMetadataError('a DOCTYPE is not allowed in SAML metadata');
  }
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== MD || root.localName !== 'EntityDescriptor') {
    throw new IdpMetadataError(`expected an md:EntityDescriptor, got ${root?.nodeName ?? 'no element'}`);
  }
  const entityId = root.getAttribute('entityID')?.trim();
  if (!entityId) throw new IdpMetadataError('the EntityDescriptor has no entityID');

  const idp = children(root, MD, 'IDPSSODescriptor').find((d) =>
    (d.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL),
  );
  if (!idp) throw new IdpMetadataError('no IDPSSODescriptor for SAML 2.0');

  // Our SP-initiated login sends the AuthnRequest by redirect (authn-request.ts): a POST-only IdP
  // needs SAML_IDP_SSO_URL set by hand.
  const ssoUrl = children(idp, MD, 'SingleSignOnService')
    .find((s) => s.getAttribute('Binding') === REDIRECT_BINDING)
    ?.getAttribute('Location')
    ?.trim();
  if (!ssoUrl) throw new IdpMetadataError('no SingleSignOnService with the HTTP-Redirect binding');
  if (!/^https?:\/\//i.test(ssoUrl) || !URL.canParse(ssoUrl))
    throw new IdpMetadataError(`the SingleSignOnService Location "${ssoUrl}" is not a URL`);

  const certs = signingCertificates(idp);
  if (certs.length === 0) throw new IdpMetadataError('no signing certificate in the IDPSSODescriptor');
  return Object.freeze({ entityId, ssoUrl, certs: Object.freeze(certs) });
}

// KeyDescriptors with use="signing", or with no use (then the key serves both purposes).
function signingCertificates(idp: Element): string[] {
  const pems: string[] = [];
  let position = 0;
  for (const key of children(idp, MD, 'KeyDescriptor')) {
    const use = key.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const info of children(key, NS.dsig, 'KeyInfo')) {
      for (const data of children(info, NS.dsig, 'X509Data')) {
        for (const cert of children(data, NS.dsig, 'X509Certificate')) {
          const pem = toPem(cert.textContent ?? '', ++position);
          if (!pems.includes(pem)) pems.push(pem);
        }
      }
    }
  }
  return pems;
}

function toPem(base64Text: string, position: number): string {
  const base64 = base64Text.replace(/\s+/g, '');
  const pem = `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
  } catch {
    // Half a rollover is not taken: a document with a broken certificate keeps the last good copy.
    throw new IdpMetadataError(`signing certificate #${position} is not a valid X.509 certificate`);
  }
  return pem;
}
