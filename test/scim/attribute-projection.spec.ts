import { expect } from 'chai';
import { scimFixture, ENTERPRISE, type ScimFixture } from './scim-fixture.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('SCIM: attributes and excludedAttributes (RFC 7644 §3.9)', () => {
  let f: ScimFixture;
  let id: string;
  before(async () => {
    f = await scimFixture();
    const created = await f.scim('POST', '/Users', {
      schemas: [CORE, ENTERPRISE],
      userName: 'ada@corp.test',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [
        { value: 'ada@corp.test', type: 'work', primary: true },
        { value: 'ada@home.test', type: 'home' },
      ],
      [ENTERPRISE]: { employeeNumber: '1815', department: 'Analytics', manager: { value: 'babbage' } },
      active: true,
    });
    expect(created.status, created.text).to.equal(201);
    id = created.body.id;
  });
  after(() => f.close());

  const get = async (query: string) => {
    const reply = await f.scim('GET', `/Users/${id}?${query}`);
    expect(reply.status, reply.text).to.equal(200);
    return reply.body;
  };

  it('keeps an attribute qualified by the enterprise schema URN, with id and schemas', async () => {
    const body = await get(`attributes=${encodeURIComponent(`${ENTERPRISE}:employeeNumber`)}`);
    expect(body).to.deep.equal({ schemas: [CORE, ENTERPRISE], id, [ENTERPRISE]: { employeeNumber: '1815' } });
  });

  it('keeps the whole extension for its bare URN, and core attributes qualified by the core URN', async () => {
    const body = await get(`attributes=${encodeURIComponent(`${ENTERPRISE},${CORE}:userName`)}`);
    expect(body.userName).to.equal('ada@corp.test');
    expect(body[ENTERPRISE]).to.deep.equal({
      employeeNumber: '1815',
      department: 'Analytics',
      manager: { value: 'babbage' },
    });
    expect(body).not.to.have.any.keys('name', 'emails', 'meta');
  });

  it('keeps sub-attributes of multi-valued attributes, case-insensitively', async () => {
    const body = await get('attributes=EMAILS.value,name.givenName');
    expect(body.emails).to.deep.equal([{ value: 'ada@corp.test' }, { value: 'ada@home.test' }]);
    expect(body.name).to.deep.equal({ givenName: 'Ada' });
  });

  it('drops excluded attributes, qualified or not, but never id', async () => {
    const body = await get(`excludedAttributes=${encodeURIComponent(`id,emails,${ENTERPRISE}:department`)}`);
    expect(body.id).to.equal(id);
    expect(body).not.to.have.key('emails');
    expect(body[ENTERPRISE]).to.deep.equal({ employeeNumber: '1815', manager: { value: 'babbage' } });
    expect(body.meta.location).to.match(new RegExp(`/scim/v2/Users/${id}$`));
  });
});
