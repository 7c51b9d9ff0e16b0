import { DOMParser } from '@xmldom/xmldom';
import { refusal, type SamlRefusal } from './errors.js';

// The shape a SAML response must have before any signature is looked at. Signature wrapping
// works by giving the verifier and the reader different elements; with exactly one assertion,
// in its place, and signatures only where the verifier looks, there is nothing to choose from.

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

const ELEMENT = 1;
const PROCESSING_INSTRUCTION = 7;
const COMMENT = 8;
const DOCUMENT_TYPE = 10;

const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}[\r\n]*$/;

export interface GuardedResponse {
  response: Element;
  assertion: Element;
  responseSigned: boolean;
  assertionSigned: boolean;
}

/** Decodes the posted SAMLResponse into XML text. */
export function decodeSamlResponse(base64: string, maxXmlBytes: number): string | SamlRefusal {
  if (!BASE64.test(base64)) return refusal('saml_response_malformed', 'SAMLResponse is not base64.');
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > maxXmlBytes)
    return refusal('saml_response_too_large', 'The SAML response is larger than this service accepts.');
  return bytes.toString('utf8');
}

/** Parses strictly (any parser complaint refuses) and checks the structure described above. */
export function guardResponseXml(xml: string): GuardedResponse | SamlRefusal {
  // No DTD is needed by SAML, and entity declarations are how XML bombs and XXE begin.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    return refusal('saml_response_malformed', 'A DOCTYPE is not allowed in a SAML response.');
  const problems: string[] = [];
  const complain = (message: string) => void problems.push(message.split('\n')[0]!.replace(/^\[xmldom \w+\]\s*/, ''));
  const doc = new DOMParser({
    locator: {},
    errorHandler: { warning: complain, error: complain, fatalError: complain },
  }).parseFromString(xml, 'text/xml');
  if (problems.length > 0)
    return refusal('saml_response_malformed', `The SAML response is not well-formed XML: ${problems[0]}`);

  const topLevel = [...nodes(doc.childNodes)];
  if (topLevel.some((n) => n.nodeType === DOCUMENT_TYPE))
    return refusal('saml_response_malformed', 'A DOCTYPE is not allowed in a SAML response.');
  const roots = topLevel.filter(isElement);
  const response = roots[0];
  if (roots.length !== 1 || !response)
    return refusal('saml_response_malformed', 'A SAML response has exactly one root element.');
  if (!is(response, NS.protocol, 'Response')) {
    return refusal('saml_response_malformed', `Expected a samlp:Response, got ${response.nodeName}.`);
  }

  const found = {
    assertions: [] as Element[],
    encrypted: 0,
    signatures: [] as Element[],
    signedInfos: [] as Element[],
  };
  walk(response, (el) => {
    if (el.localName === 'Assertion') found.assertions.push(el);
    else if (el.localName === 'EncryptedAssertion') found.encrypted++;
    else if (el.localName === 'Signature') found.signatures.push(el);
    else if (el.localName === 'SignedInfo') found.signedInfos.push(el);
  });
  if (found.encrypted > 0) {
    return refusal(
      'saml_encrypted_assertion',
      'Encrypted assertions are not supported: turn assertion encryption off at the IdP.',
    );
  }
  const assertion = found.assertions[0];
  if (found.assertions.length !== 1 || !assertion) {
    return refusal(
      'saml_response_malformed',
      `A SAML response must carry exactly one assertion (found ${found.assertions.length}).`,
    );
  }
  if (assertion.parentNode !== response || !is(assertion, NS.assertion, 'Assertion')) {
    return refusal('saml_response_malformed', 'The assertion must be a saml:Assertion directly inside the Response.');
  }

  const signatureProblem = checkSignatures(found.signatures, found.signedInfos, response, assertion);
  if (signatureProblem) return signatureProblem;
  const signedBy = (parent: Element) => found.signatures.some((s) => s.parentNode === parent);
  return { response, assertion, responseSigned: signedBy(response), assertionSigned: signedBy(assertion) };
}

// Signatures sit only where they are verified, once per element, with one SignedInfo free of
// comments (CVE-2025-29774 hid a second SignedInfo, CVE-2025-29775 a digest in a comment).
function checkSignatures(
  signatures: Element[],
  signedInfos: Element[],
  response: Element,
  assertion: Element,
): SamlRefusal | undefined {
  const bad = (detail: string) => refusal('saml_signature_invalid', detail);
  const parents = new Set<Node>();
  for (const signature of signatures) {
    const parent = signature.parentNode;
    if (!is(signature, NS.dsig, 'Signature') || (parent !== response && parent !== assertion)) {
      return bad('A signature may only sign the Response or the Assertion, as their direct child.');
    }
    if (parents.has(parent)) return bad('An element carries more than one signature.');
    parents.add(parent);
    const own = signedInfos.filter((info) => isInside(info, signature));
    if (own.length !== 1 || own[0]!.parentNode !== signature || !is(own[0]!, NS.dsig, 'SignedInfo')) {
      return bad('A signature must hold exactly one SignedInfo, directly inside it.');
    }
    let hidden = false;
    walkNodes(own[0]!, (n) => {
      if (n.nodeType === COMMENT || n.nodeType === PROCESSING_INSTRUCTION) hidden = true;
    });
    if (hidden) return bad('A comment or processing instruction inside SignedInfo is not allowed.');
  }
  if (signedInfos.some((info) => !signatures.some((s) => isInside(info, s)))) {
    return bad('A SignedInfo outside a signature is not allowed.');
  }
  return undefined;
}

/** The direct children of an element with this namespace and local name. */
export function children(parent: Element, ns: string, localName: string): Element[] {
  return [...nodes(parent.childNodes)].filter((n): n is Element => isElement(n) && is(n, ns, localName));
}

/** The trimmed text of an element; comments are not text, so they can never cut a value short. */
export const text = (el: Element | undefined) => (el?.textContent ?? '').trim();

const is = (el: Element, ns: string, localName: string) => el.namespaceURI === ns && el.localName === localName;
const isElement = (n: Node): n is Element => n.nodeType === ELEMENT;

function* nodes(list: NodeListOf<ChildNode> | NodeList | null): Generator<Node> {
  for (let i = 0; i < (list?.length ?? 0); i++) yield list!.item(i)!;
}

// Iterative: a hostile document may nest thousands of elements deep.
function walkNodes(node: Node, visit: (n: Node) => void): void {
  const stack: Node[] = [...nodes(node.childNodes)].reverse();
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    const below = current.childNodes; // null on xmldom's text nodes
    for (let i = (below?.length ?? 0) - 1; i >= 0; i--) stack.push(below.item(i)!);
  }
}

function walk(root: Element, visit: (el: Element) => void): void {
  walkNodes(root, (n) => {
    if (isElement(n)) visit(n);
  });
}

function isInside(node: Node, ancestor: Node): boolean {
  for (let p = node.parentNode; p; p = p.parentNode) if (p === ancestor) return true;
  return false;
}
