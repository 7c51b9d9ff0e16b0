import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { SamlValidationPool, VALIDATION_WORKER_FILE } from '../../src/saml/validation-pool.js';
import { idpResponse, ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID, fixture } from './support/test-idp.js';

describe('saml: validation off the event loop', () => {
  let pool: SamlValidationPool;
  before(() => {
    pool = new SamlValidationPool(
      {
        spEntityId: SP_ENTITY_ID,
        acsUrl: ACS_URL,
        idpEntityId: IDP_ENTITY_ID,
        idpCerts: [fixture('idp.crt')],
        clockSkewMs: 60_000,
      },
      2,
    );
  });
  after(() => pool.close());

  it('runs the worker beside the pool: .ts under tsx (.js once built)', () => {
    expect(VALIDATION_WORKER_FILE).to.match(/validation-worker\.ts$/);
    expect(existsSync(VALIDATION_WORKER_FILE)).to.equal(true);
  });

  it('validates in worker threads, started on demand, and answers refusals as data', async () => {
    expect(pool.threads).to.equal(0);
    const good = await idpResponse({ nameId: 'pool@corp.test', inResponseTo: '_req' });
    const outcomes = await Promise.all([
      pool.validate(good.base64),
      pool.validate(Buffer.from('<x/>').toString('base64')),
    ]);
    expect(pool.threads).to.be.within(1, 2);
    expect(outcomes[0]).to.deep.include({ ok: true });
    expect(outcomes[0].ok && outcomes[0].assertion).to.deep.include({
      nameId: 'pool@corp.test',
      inResponseTo: '_req',
      assertionId: good.assertionId,
    });
    expect(outcomes[1]).to.deep.include({ ok: false, code: 'saml_response_malformed' });
  });
});
