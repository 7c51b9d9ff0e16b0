import { availableParallelism } from 'node:os';
import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../config/index.js';
import { fixture, FIXTURES, samlEnv } from './support/test-idp.js';

describe('saml: configuration', () => {
  it('is all or nothing: a partial setup stops the start, naming what is missing', () => {
    expect(() => loadConfig({ SAML_IDP_CERT: `${FIXTURES}idp.crt` })).to.throw(
      ConfigError,
      /SAML_IDP_SSO_URL, SAML_IDP_ENTITY_ID: required/,
    );
    expect(() => loadConfig({ SAML_IDP_ENTITY_ID: 'https://idp' })).to.throw(
      ConfigError,
      /SAML_IDP_CERT, SAML_IDP_SSO_URL: required/,
    );
  });

  for (const [variable, why, env] of [
    [
      'SAML_IDP_CERT',
      'a key, not a certificate',
      { SAML_IDP_CERT: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' },
    ],
    [
      'SAML_IDP_CERT',
      'a broken second certificate',
      {
        SAML_IDP_CERT: `${fixture('idp.crt')}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----`,
      },
    ],
    ['SAML_SP_CERT', 'a key without its certificate', { SAML_SP_PRIVATE_KEY: `${FIXTURES}sp.key` }],
    [
      'SAML_SP_PRIVATE_KEY',
      'a key that does not match the certificate',
      { SAML_SP_PRIVATE_KEY: `${FIXTURES}attacker.key`, SAML_SP_CERT: `${FIXTURES}sp.crt` },
    ],
    [
      'SAML_SP_PRIVATE_KEY',
      'not a key',
      {
        SAML_SP_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
        SAML_SP_CERT: `${FIXTURES}sp.crt`,
      },
    ],
    ['SAML_ADMIN_VALUES', 'a role attribute with no admin values', { SAML_ROLE_ATTRIBUTE: 'groups' }],
    ['SAML_POOL_SIZE', 'no threads', { SAML_POOL_SIZE: '0' }],
  ] as const) {
    it(`stops on ${why}, naming ${variable}`, () => {
      expect(() => loadConfig(samlEnv(env))).to.throw(ConfigError, variable);
    });
  }

  it('reads every certificate of SAML_IDP_CERT, and sizes the pool to the CPUs by default', () => {
    const env = samlEnv({ SAML_IDP_CERT: `${fixture('idp.crt')}\n${fixture('idp-next.crt')}` });
    delete env.SAML_POOL_SIZE;
    const config = loadConfig(env);
    expect(config.saml.idpCerts).to.have.length(2);
    expect(config.saml.poolSize).to.equal(availableParallelism());
    expect(loadConfig({}).saml.idpCerts).to.deep.equal([]);
  });
});
