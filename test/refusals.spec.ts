import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import {
  REFUSALS,
  REFUSAL_CODES,
  codesRaisedBy,
  problemType,
  type RefusalCode,
  type RefusalSpec,
} from '../src/refusals.js';
import { DirectoryError, type DirectoryErrorCode } from '../src/directory/index.js';
import { DIRECTORY_ERROR_CODES, fromScriptError } from '../src/directory/errors.js';
import { decodeRefusal, encodeRefusal } from '../src/directory/refusal-codec.js';
import { AuthError, type AuthErrorCode } from '../src/auth/errors.js';
import { SamlError, type SamlErrorCode } from '../src/saml/errors.js';
import { refusalProblem, toProblem } from '../src/http/error-mapping.js';
import { toScimError } from '../src/scim/scim-error.js';
import { parseRefusal } from '../src/jobs/refusal.js';
import { testDirectory, type TestDirectory } from './support/redis.js';
import { makeAdmin, SYSTEM } from './support/factories.js';

// The refusal table (src/refusals.ts) is the one place a refusal is declared: every surface
// answers each code with the table's status, type and words, and no script raises a code the
// table does not know.

const SCRIPTS = new URL('../src/directory/scripts/', import.meta.url);

/** Every code a directory script can refuse with: fail('<code>', …) in any .lua, lib.lua's helper included. */
function luaRefusalCodes(): Set<string> {
  const codes = new Set<string>();
  for (const file of readdirSync(SCRIPTS).filter((name) => name.endsWith('.lua'))) {
    for (const match of readFileSync(new URL(file, SCRIPTS), 'utf8').matchAll(/fail\('([a-z_]+)'/g))
      codes.add(match[1]!);
  }
  return codes;
}

const spec = (code: RefusalCode): RefusalSpec => REFUSALS[code];
const retryAfter = (code: RefusalCode) =>
  spec(code).retryAfter === undefined ? undefined : String(spec(code).retryAfter);

function expectProblemOf(code: RefusalCode, problem: ReturnType<typeof toProblem>) {
  expect(problem, code).not.to.equal(undefined);
  const body = problem!.body();
  expect({ status: body.status, type: body.type, code: body.code }, code).to.deep.equal({
    status: spec(code).status,
    type: problemType(code),
    code,
  });
  expect(problem!.headers['Retry-After'], code).to.equal(retryAfter(code));
}

describe('one refusal table', () => {
  it('every code a Lua script can raise is declared in the table as a directory refusal', () => {
    const raised = [...luaRefusalCodes()];
    expect(raised).to.include('last_active_admin').and.include('not_found');
    const undeclared = raised.filter((code) => !(DIRECTORY_ERROR_CODES as readonly string[]).includes(code));
    expect(undeclared, 'codes raised in src/directory/scripts but missing from src/refusals.ts').to.deep.equal([]);
  });

  it('a reply with an undeclared code stays an unexpected error, never a refusal', () => {
    const unknown = fromScriptError(new Error(encodeRefusal('made_up_rule', 'nobody declared this')));
    expect(unknown).not.to.be.instanceOf(DirectoryError);
    expect(toProblem(unknown)).to.equal(undefined);
  });

  it('the codec reads what it writes, details with spaces and newlines included, and nothing else', () => {
    expect(decodeRefusal(encodeRefusal('active_sessions', 'the user is signed in;\nreally'))).to.deep.equal({
      code: 'active_sessions',
      detail: 'the user is signed in;\nreally',
    });
    expect(decodeRefusal('ERR some redis failure')).to.equal(undefined);
    expect(parseRefusal(encodeRefusal('last_active_admin', 'x'))).to.deep.equal({
      code: 'last_active_admin',
      detail: 'x',
    });
  });

  it('each directory refusal reads the same on the admin API, the job outcomes and SCIM', () => {
    for (const code of codesRaisedBy('directory') as DirectoryErrorCode[]) {
      const raised = new DirectoryError(code, 'what the script said');
      const words = spec(code).specific ? 'What the script said.' : spec(code).message;
      expectProblemOf(code, toProblem(raised));
      expect(toProblem(raised)!.detail, code).to.equal(words);
      const asJobOutcome = refusalProblem(code, 'what the script said', { job: 'deactivation:1' });
      expectProblemOf(code, asJobOutcome);
      expect(asJobOutcome.body()).to.include({ detail: words, job: 'deactivation:1' });

      const scim = toScimError(raised)!.body();
      const expected = spec(code).scim ?? { status: 400, scimType: 'invalidValue' };
      expect({ status: scim.status, scimType: scim.scimType }, code).to.deep.equal({
        status: String(expected.status),
        scimType: expected.scimType,
      });
      if (expected.detail) expect(scim.detail, code).to.equal(expected.detail);
    }
  });

  it("each sign-in refusal is a problem document with the table's status and type", () => {
    for (const code of codesRaisedBy('auth') as AuthErrorCode[]) {
      expectProblemOf(code, toProblem(new AuthError(code, spec(code).message)));
    }
  });

  it("each SAML refusal is a problem document with the table's status, type and Retry-After", () => {
    for (const code of codesRaisedBy('saml') as SamlErrorCode[]) {
      const refused = new SamlError(code, spec(code).message);
      expectProblemOf(code, refused.toProblem());
      expectProblemOf(code, toProblem(refused));
      expect(refused.status).to.equal(spec(code).status);
    }
  });

  it('a body the parser refuses reads the same on both surfaces, from the table', () => {
    const parserErrors: [RefusalCode, object][] = [
      ['invalid_json', { type: 'entity.parse.failed', status: 400 }],
      ['payload_too_large', { type: 'entity.too.large', status: 413 }],
      ['unsupported_media_type', { type: 'charset.unsupported', status: 415 }],
      ['service_unavailable', new Error('connect ECONNREFUSED 127.0.0.1:6379')],
    ];
    for (const [code, error] of parserErrors) {
      const problem = toProblem(Object.assign(error instanceof Error ? error : new Error('parser'), error));
      expectProblemOf(code, problem);
      expect(problem!.detail).to.equal(spec(code).message);
      const scim = toScimError(error)!.body();
      expect(scim.status).to.equal(String(spec(code).scim!.status));
      expect(scim.scimType).to.equal(spec(code).scim!.scimType);
      expect(scim.detail).to.equal(spec(code).scim!.detail ?? spec(code).message);
    }
  });

  it('every code has a status, a sentence for people and no two codes share a problem type', () => {
    for (const code of REFUSAL_CODES) {
      expect(spec(code).status, code).to.be.within(400, 599);
      expect(spec(code).message, code).to.match(/^[A-Z].*[.!?]$/);
    }
    expect(new Set(REFUSAL_CODES.map(problemType)).size).to.equal(REFUSAL_CODES.length);
  });

  describe('a refusal raised in Lua, through the lib.lua last-admin helper', () => {
    let t: TestDirectory;
    before(() => {
      t = testDirectory({ label: 'refusals' });
    });
    after(() => t.cleanup());

    it("reaches people in the table's words and status, for deactivating, demoting and deleting", async () => {
      const admin = await makeAdmin(t.directory);
      const attempts = [
        t.directory.deactivateUser(admin.id, SYSTEM),
        t.directory.updateUser(admin.id, { role: 'user' }, SYSTEM),
        t.directory.deleteUser(admin.id, SYSTEM),
      ];
      for (const attempt of attempts) {
        const problem = toProblem(
          await attempt.then(
            () => undefined,
            (error: unknown) => error,
          ),
        );
        expect(problem?.body()).to.include({
          status: 409,
          code: 'last_active_admin',
          type: 'urn:rune-directory:problem:last_active_admin',
          detail: 'This is the last active admin: promote another user to admin first.',
        });
      }
    });
  });
});
