import { inflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import type { Reply } from '../../support/http.js';

// A browser as far as SAML needs one: a cookie jar, GET /saml/login (following nothing), and
// the IdP's auto-submitted form POST to the ACS.

export interface StartedLogin {
  /** The AuthnRequest ID, which the IdP answers with InResponseTo. */
  requestId: string;
  idpUrl: URL;
  authnRequest: string;
  loginCookie: string;
}

export class Browser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly base: string) {}

  get cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  async startLogin(relayState?: string): Promise<StartedLogin> {
    const query = relayState === undefined ? '' : `?RelayState=${encodeURIComponent(relayState)}`;
    const response = await this.fetch('GET', `/saml/login${query}`);
    expect(response.status, await response.clone().text()).to.equal(302);
    const idpUrl = new URL(response.headers.get('location')!);
    const authnRequest = inflateRawSync(Buffer.from(idpUrl.searchParams.get('SAMLRequest')!, 'base64')).toString(
      'utf8',
    );
    const requestId = /\sID="([^"]+)"/.exec(authnRequest)![1]!;
    const loginCookie = response.headers.getSetCookie().find((c) => c.startsWith('rune_saml_login='))!;
    return { requestId, idpUrl, authnRequest, loginCookie };
  }

  /** The IdP's form POST to the ACS (application/x-www-form-urlencoded), redirects not followed. */
  async postToAcs(samlResponse: string, fields: Record<string, string> = {}): Promise<Reply> {
    const body = new URLSearchParams({ SAMLResponse: samlResponse, ...fields }).toString();
    const response = await this.fetch('POST', '/saml/acs', body, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  private async fetch(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      body,
      redirect: 'manual',
      headers: { ...headers, ...(this.jar.size > 0 ? { cookie: this.cookieHeader } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired) this.jar.delete(name);
      else this.jar.set(name, pair!.slice(at + 1));
    }
    return response;
  }
}

/** The session cookie a reply set, as a `name=value` pair for the next request. */
export const sessionCookieOf = (reply: Reply) =>
  reply.headers
    .getSetCookie()
    .find((c) => c.startsWith('rune_session='))
    ?.split(';')[0];

/** A refusal as the issue defines it: this 4xx, with a problem document, no redirect, no session. */
export function expectRefused(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.headers.get('location'), 'a refusal never redirects').to.equal(null);
  expect(sessionCookieOf(reply), 'a refusal opens no session').to.equal(undefined);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(reply.body.code).to.equal(code);
}
