import { expect } from 'chai';
import { scimFixture, patch, ENTERPRISE, type ScimFixture } from '../scim/scim-fixture.js';
import type { Reply } from '../support/http.js';

// Findings 1, 2 and the SCIM-parser parts of 11 of issue 9: scimmy's parser wrote
// `__proto__.x` onto Object.prototype, its string token backtracked exponentially on an
// unclosed quote, a long PATCH path took seconds, and odd escapes, deep nesting and huge numbers
// gave 500s. Every filter, attribute list, sort and PATCH path now passes a bounded grammar of
// our own first. The server runs in this process, so Object.prototype here is the server's.

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;
const search = (body: object) => ({ schemas: [SEARCH], ...body });

const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();
const PROTOTYPE_NAMES = prototypeNames();

function expectPrototypeUntouched() {
  expect(prototypeNames()).to.deep.equal(PROTOTYPE_NAMES);
  const probe = {} as Record<string, unknown>;
  for (const name of ['x', 'polluted', 'allowPasswordChange', 'thenDelete'])
    expect(probe[name], name).to.equal(undefined);
}

function expectScimError(reply: Reply, status: number, scimType?: string) {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.body.schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(reply.body.status).to.equal(String(status));
  if (scimType) expect(reply.body.scimType, reply.text).to.equal(scimType);
}

describe('security: SCIM query and path input can never pollute, backtrack or recurse', () => {
  let f: ScimFixture;
  let id: string;
  before(async () => {
    f = await scimFixture();
    const created = await f.scim('POST', '/Users', {
      schemas: [CORE],
      userName: 'parsers@corp.test',
      name: { givenName: 'Par', familyName: 'Ser' },
      emails: [{ value: 'parsers@corp.test', type: 'work', primary: true }],
      active: true,
    });
    expect(created.status, created.text).to.equal(201);
    id = created.body.id;
  });
  after(() => f.close());

  /** The reply to `request`, and that it and a /healthz sent meanwhile both answered within 200 ms. */
  async function answeredQuickly(request: () => Promise<Reply>): Promise<Reply> {
    const started = performance.now();
    const [reply, health] = await Promise.all([
      request().then((r) => ({ r, ms: performance.now() - started })),
      new Promise((resolve) => setTimeout(resolve, 5)).then(async () => {
        const at = performance.now();
        const h = await fetch(`${f.server.url}/healthz`);
        return { status: h.status, ms: performance.now() - at };
      }),
    ]);
    expect(reply.ms, 'answer time (ms)').to.be.below(200);
    expect(health.status).to.equal(200);
    expect(health.ms, '/healthz time meanwhile (ms)').to.be.below(200);
    return reply.r;
  }

  describe('prototype pollution', () => {
    it('refuses __proto__ in excludedAttributes with 400 invalidPath and leaves Object.prototype untouched', async () => {
      for (const list of ['__proto__.x', 'constructor.prototype.x', 'name.__proto__', 'userName,__PROTO__']) {
        expectScimError(
          await f.scim('GET', `/Users?excludedAttributes=${encodeURIComponent(list)}`),
          400,
          'invalidPath',
        );
        expectScimError(
          await f.scim('GET', `/Users/${id}?excludedAttributes=${encodeURIComponent(list)}`),
          400,
          'invalidPath',
        );
        expectPrototypeUntouched();
      }
    });

    it('refuses __proto__ and constructor in attributes, in a query and in a search body, with 400 invalidPath and leaves Object.prototype untouched', async () => {
      for (const list of ['__proto__.x', 'Constructor.prototype', 'emails.constructor', 'urn:x.__proto__.polluted']) {
        expectScimError(await f.scim('GET', `/Users?attributes=${encodeURIComponent(list)}`), 400, 'invalidPath');
        expectScimError(await f.scim('POST', '/Users/.search', search({ attributes: [list] })), 400, 'invalidPath');
        expectPrototypeUntouched();
      }
    });

    it('refuses a filter through __proto__ or an unregistered urn: with 400 invalidFilter and leaves Object.prototype untouched', async () => {
      for (const filter of [
        'urn:x.__proto__.polluted eq "admin"',
        '__proto__.polluted eq "admin"',
        'constructor.prototype.polluted eq "admin"',
        'emails[__proto__ eq "x"]',
        `${ENTERPRISE}:__proto__.polluted eq "admin"`,
        'urn:ietf:params:scim:schemas:extension:other:2.0:User:department eq "x"',
      ]) {
        expectScimError(await f.scim('GET', q(filter)), 400, 'invalidFilter');
        expectPrototypeUntouched();
      }
    });

    it('refuses a PATCH path or a path-less value through __proto__ or constructor with 400 and leaves the user and Object.prototype untouched', async () => {
      const before = (await f.scim('GET', `/Users/${id}`)).body;
      const refused = [
        [{ op: 'add', path: '__proto__.polluted', value: 'admin' }, 'invalidPath'],
        [{ op: 'replace', path: 'constructor.prototype.polluted', value: 'admin' }, 'invalidPath'],
        [{ op: 'add', path: 'emails[type eq "work"].__proto__', value: 'admin' }, 'invalidPath'],
        [{ op: 'add', value: { '__proto__.polluted': 'admin' } }, 'invalidPath'],
        [{ op: 'add', value: JSON.parse('{"__proto__": {"polluted": "admin"}}') }, 'invalidValue'],
        [
          { op: 'replace', value: { name: JSON.parse('{"constructor": {"prototype": {"polluted": "admin"}}}') } },
          'invalidValue',
        ],
      ] as const;
      for (const [operation, scimType] of refused) {
        expectScimError(await f.scim('PATCH', `/Users/${id}`, patch(operation)), 400, scimType);
        expectPrototypeUntouched();
      }
      expect((await f.scim('GET', `/Users/${id}`)).body).to.deep.equal(before);
    });

    it('refuses a User body holding a __proto__ or constructor key with 400 invalidValue and creates no user', async () => {
      const body = `{"schemas":["${CORE}"],"userName":"proto@corp.test","emails":[{"value":"proto@corp.test"}],"name":{"__proto__":{"polluted":"admin"}}}`;
      const reply = await f.scim('POST', '/Users', JSON.parse(body));
      expectScimError(reply, 400, 'invalidValue');
      expectPrototypeUntouched();
      expect((await f.scim('GET', q('userName eq "proto@corp.test"'))).body.totalResults).to.equal(0);
    });
  });

  describe('backtracking and long paths', () => {
    const newlines = '\n'.repeat(30);

    it('answers an unclosed quote followed by 30 newlines in attributes within 200 ms with 400', async () => {
      const reply = await answeredQuickly(() =>
        f.scim('GET', `/Users?attributes=${encodeURIComponent(`"${newlines}`)}`),
      );
      expectScimError(reply, 400, 'invalidPath');
      const excluded = await answeredQuickly(() =>
        f.scim('GET', `/Users/${id}?excludedAttributes=${encodeURIComponent(`"${newlines}`)}`),
      );
      expectScimError(excluded, 400, 'invalidPath');
    });

    it('answers an escaped quote followed by 30 newlines in a filter within 200 ms: 400 invalidFilter while unclosed, an empty answer when closed', async () => {
      const unclosed = await answeredQuickly(() => f.scim('GET', q(`userName eq "\\"${newlines}`)));
      expectScimError(unclosed, 400, 'invalidFilter');
      const backslashes = await answeredQuickly(() =>
        f.scim('GET', q(`userName eq "${'\\\\'.repeat(40)}\\"${'\\\\'.repeat(40)}`)),
      );
      expectScimError(backslashes, 400, 'invalidFilter');
      const closed = await answeredQuickly(() => f.scim('GET', q(`title eq "\\""${newlines}`)));
      expect(closed.status, closed.text).to.equal(200);
      expect(closed.body.totalResults).to.equal(0);
    });

    it('a 64,000-segment PATCH path is refused within 200 ms with 400 invalidPath', async () => {
      const long = Array.from({ length: 64_000 }, () => 'a').join('.');
      const reply = await answeredQuickly(() =>
        f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: long, value: 'x' })),
      );
      expectScimError(reply, 400, 'invalidPath');
      const pathless = await answeredQuickly(() =>
        f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { [long]: 'x' } })),
      );
      expectScimError(pathless, 400, 'invalidPath');
    });

    it('a PATCH value filter with an unclosed quote, a backslash or newlines is refused within 200 ms with 400 invalidPath', async () => {
      for (const path of [
        `emails[value eq "x${newlines}].value`,
        `emails[value eq "\\"${'\\\\'.repeat(40)}].value`,
        'emails[value eq "x].value',
      ]) {
        expectScimError(
          await answeredQuickly(() =>
            f.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path, value: 'y@corp.test' })),
          ),
          400,
          'invalidPath',
        );
      }
    });

    it('still applies the filtered PATCH paths IdPs send', async () => {
      const reply = await f.scim(
        'PATCH',
        `/Users/${id}`,
        patch(
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'parsers@corp.test' },
          { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Security' },
          { op: 'replace', value: { 'name.givenName': 'Parsa' } },
        ),
      );
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.body.name.givenName).to.equal('Parsa');
      expect(reply.body[ENTERPRISE].department).to.equal('Security');
    });
  });

  describe('what used to answer 500', () => {
    it('a \\q escape in a userName filter is a 400 invalidFilter, not a 500', async () => {
      expectScimError(await f.scim('GET', q('userName eq "\\q"')), 400, 'invalidFilter');
      expectScimError(await f.scim('GET', q('userName eq "\\u12"')), 400, 'invalidFilter');
    });

    it('a TAB inside a quoted filter value is a 400, not a 500', async () => {
      expectScimError(await f.scim('GET', q('userName eq "a\tb"')), 400, 'invalidFilter');
      expectScimError(await f.scim('GET', q('title eq "a\tb"')), 400, 'invalidFilter');
    });

    it('decodes JSON escapes in a userName filter the way JSON does', async () => {
      const found = await f.scim('GET', q('userName eq "p\\u0061rsers\\u0040corp.test"'));
      expect(found.status, found.text).to.equal(200);
      expect(found.body.Resources.map((r: { id: string }) => r.id)).to.deep.equal([id]);
    });

    it('20,000 nested parentheses, or more than 32 levels, in a filter are a 400 invalidFilter within 200 ms', async () => {
      const deep = `${'('.repeat(20_000)}userName pr${')'.repeat(20_000)}`;
      expectScimError(
        await answeredQuickly(() => f.scim('POST', '/Users/.search', search({ filter: deep }))),
        400,
        'invalidFilter',
      );
      const nots = `${'not ('.repeat(33)}userName pr${')'.repeat(33)}`;
      expectScimError(await f.scim('GET', q(nots)), 400, 'invalidFilter');
      const allowed = `${'('.repeat(31)}userName pr${')'.repeat(31)}`;
      expect((await f.scim('GET', q(allowed))).status).to.equal(200);
    });

    it('a 20,000-segment urn: path in a filter is a 400 invalidFilter within 200 ms', async () => {
      const urn = `urn:${Array.from({ length: 20_000 }, (_, i) => `s${i}`).join(':')} eq "x"`;
      expectScimError(
        await answeredQuickly(() => f.scim('POST', '/Users/.search', search({ filter: urn }))),
        400,
        'invalidFilter',
      );
      const dotted = `${ENTERPRISE}:${Array.from({ length: 20_000 }, () => 'a').join('.')} eq "x"`;
      expectScimError(
        await answeredQuickly(() => f.scim('POST', '/Users/.search', search({ filter: dotted }))),
        400,
        'invalidFilter',
      );
    });

    it('startIndex=1e300 and a huge count are 400 invalidValue naming the parameter, in a query and in a search body', async () => {
      for (const [name, value] of [
        ['startIndex', '1e300'],
        ['startIndex', '1000000001'],
        ['count', '99999999999'],
        ['count', '1.5'],
        ['startIndex', 'abc'],
      ]) {
        const reply = await f.scim('GET', `/Users?${name}=${value}`);
        expectScimError(reply, 400, 'invalidValue');
        expect(reply.body.detail).to.include(name);
      }
      for (const body of [{ startIndex: 1e300 }, { count: 1e10 }, { count: '10; drop' }, { startIndex: [1] }]) {
        const reply = await f.scim('POST', '/Users/.search', search(body));
        expectScimError(reply, 400, 'invalidValue');
        expect(reply.body.detail).to.include(Object.keys(body)[0]);
      }
      // Below-range values are interpreted, as RFC 7644 §3.4.2.4 says.
      const lenient = await f.scim('GET', '/Users?startIndex=-5&count=-1');
      expect(lenient.status).to.equal(200);
      expect(lenient.body).to.deep.include({ startIndex: 1, itemsPerPage: 0 });
    });

    it('a sortBy that is not an attribute path, an unknown sortOrder, or a parameter given twice is a 400, not ignored', async () => {
      expectScimError(await f.scim('GET', '/Users?sortBy=__proto__'), 400, 'invalidPath');
      expectScimError(await f.scim('GET', `/Users?sortBy=${encodeURIComponent('"\n\n')}`), 400, 'invalidPath');
      expectScimError(await f.scim('GET', '/Users?sortBy=userName&sortOrder=sideways'), 400, 'invalidValue');
      const twice = await f.scim(
        'GET',
        `${q('userName eq "nobody@corp.test"')}&filter=${encodeURIComponent('userName pr')}`,
      );
      expectScimError(twice, 400, 'invalidValue');
      expect(twice.body.detail).to.include('filter');
      expectScimError(
        await f.scim('POST', '/Users/.search', search({ filter: { userName: 'x' } })),
        400,
        'invalidValue',
      );
      expect((await f.scim('GET', '/Users?sortBy=name.familyName&sortOrder=Descending')).status).to.equal(200);
    });

    it('a PATCH operation that is null or not an object is a 400 invalidValue, not a 500', async () => {
      for (const operation of [null, 'add', 7]) {
        expectScimError(
          await f.scim('PATCH', `/Users/${id}`, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [operation],
          }),
          400,
          'invalidValue',
        );
      }
    });

    it('100,000 nested [ in a body are a 400, not a 500', async () => {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      for (const [method, path, raw] of [
        ['POST', '/Users', `{"schemas":["${CORE}"],"userName":"deep@corp.test","title":${deep}}`],
        [
          'PATCH',
          `/Users/${id}`,
          `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"title","value":${deep}}]}`,
        ],
      ]) {
        const reply = await fetch(`${f.server.url}/scim/v2${path}`, {
          method,
          body: raw,
          headers: { authorization: `Bearer ${f.scimToken}`, 'content-type': 'application/scim+json' },
        });
        expect(reply.status, `${method} ${path}`).to.equal(400);
        expect((await reply.json()).schemas).to.deep.equal(['urn:ietf:params:scim:api:messages:2.0:Error']);
      }
    });
  });
});
