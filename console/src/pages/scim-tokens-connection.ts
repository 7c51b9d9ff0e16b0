// The part of Settings → SCIM tokens an admin copies into Okta or Entra ID: the SCIM base URL and,
// when SAML is configured, the SP's ACS URL, entity id and metadata URL (GET /api/v1/connection).

import { api } from '../api.js';
import { copyButton } from '../copy-button.js';
import { h, alertBox } from '../dom.js';
import type { ConsoleContext } from '../page.js';

interface Connection {
  publicUrl: string;
  scim: { baseUrl: string };
  saml:
    | { configured: false }
    | {
        configured: true;
        entityId: string;
        acsUrl: string;
        metadataUrl: string;
        loginUrl: string;
        idpEntityId: string | null;
      };
}

/** One value to paste: its term, the value in <code>, and a Copy button named after it. */
function fact(term: string, value: string, hint?: string): Node[] {
  const copy = copyButton(() => value);
  copy.setAttribute('aria-label', `Copy ${term}`);
  return [
    h('dt', null, term),
    h(
      'dd',
      null,
      h('div', { class: 'secret copy-value' }, h('code', { class: 'secret-value' }, value), copy),
      hint ? h('p', { class: 'hint' }, hint) : null,
    ),
  ];
}

export async function renderConnection(ctx: ConsoleContext): Promise<HTMLElement> {
  const section = h('section', { 'aria-labelledby': 'connect-heading' });
  const reply = await api<Connection>('GET', '/api/v1/connection');
  // Without the endpoint's answer the SCIM base URL still follows from PUBLIC_URL; SAML's state does not.
  const baseUrl = reply.ok ? reply.data.scim.baseUrl : `${ctx.config.publicUrl}/scim/v2`;
  const saml = reply.ok ? reply.data.saml : undefined;
  section.append(
    h('h2', { id: 'connect-heading' }, 'Connect your identity provider'),
    h(
      'p',
      null,
      'In Okta (Provisioning → Integration) or Microsoft Entra ID (Provisioning → Admin credentials), ' +
        'paste the SCIM base URL and a token created on this page.',
    ),
    h(
      'dl',
      { class: 'facts connection' },
      ...fact('SCIM base URL', baseUrl, 'Okta: SCIM connector base URL. Entra ID: Tenant URL.'),
    ),
    h('h3', null, 'SAML single sign-on'),
  );
  if (!reply.ok) {
    section.append(alertBox(`The SAML settings could not be read: ${reply.message}`));
  } else if (!saml?.configured) {
    section.append(
      h(
        'p',
        { class: 'saml-state' },
        'SAML single sign-on is not configured. To turn it on, set SAML_IDP_METADATA_URL to your identity ' +
          'provider’s metadata URL (or SAML_IDP_CERT, SAML_IDP_SSO_URL and SAML_IDP_ENTITY_ID) and restart the service.',
      ),
    );
  } else {
    section.append(
      h('p', null, 'In the identity provider’s SAML 2.0 application:'),
      h(
        'dl',
        { class: 'facts connection' },
        ...fact('ACS URL', saml.acsUrl, 'Okta: Single sign-on URL. Entra ID: Reply URL. Binding: HTTP-POST.'),
        ...fact('Entity ID', saml.entityId, 'Okta: Audience URI. Entra ID: Identifier.'),
        ...fact('Metadata URL', saml.metadataUrl, 'Or upload the metadata from this URL.'),
        ...fact('Sign-in URL', saml.loginUrl, 'Where people start a sign-in (Entra ID: Sign on URL).'),
      ),
      h(
        'p',
        { class: 'aside' },
        saml.idpEntityId
          ? `Trusted identity provider: ${saml.idpEntityId}`
          : 'The identity provider’s metadata has not arrived yet: SAML sign-in waits for it.',
      ),
    );
  }
  return section;
}
