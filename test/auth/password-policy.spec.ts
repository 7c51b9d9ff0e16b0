import { expect } from 'chai';
import { passwordProblems } from '../../src/auth/password-policy.js';
import { generateTemporaryPassword } from '../../src/auth/temporary-password.js';
import { PasswordHasher } from '../../src/auth/password-hasher.js';

const context = { minLength: 12, email: 'jane.doe@corp.test', name: 'Jane Doe' };

describe('auth: password policy (NIST SP 800-63B)', () => {
  it('accepts long passphrases with spaces and Unicode, with no composition rules', () => {
    expect(passwordProblems('correct horse battery staple', context)).to.deep.equal([]);
    expect(passwordProblems('ünïcödé pässwörd ✓ 日本', context)).to.deep.equal([]);
    expect(passwordProblems('alllowercaseletters', context)).to.deep.equal([]);
  });

  it('enforces the minimum and maximum length, counting characters', () => {
    expect(passwordProblems('short pass', context)).to.deep.equal(['must be at least 12 characters (got 10)']);
    expect(passwordProblems('x'.repeat(129), context)[0]).to.equal('must be at most 128 characters (got 129)');
    expect(passwordProblems('日本語のパスワードです十二', context)).to.deep.equal([]);
  });

  it('refuses common passwords from a list of tens of thousands, whatever the case', () => {
    expect(passwordProblems('password1234', context)).to.include('is one of the most commonly used passwords');
    expect(passwordProblems('QWERTYUIOP123', context)).to.include('is one of the most commonly used passwords');
  });

  it('refuses the email local part and the name', () => {
    expect(passwordProblems('my jane.doe secret!', context)).to.include('must not contain your email address');
    expect(passwordProblems('hello DOE family 2024', context)).to.include('must not contain your name');
  });

  describe('context-specific words: whole words, or words of 4 characters or more anywhere', () => {
    const dan = { minLength: 12, email: 'dan@example.com', name: 'Dan' };
    const danSmith = { minLength: 12, email: 'dan.smith@example.com', name: 'Dan Smith' };

    it('takes "abundance of yellow tulips" from Dan (dan@example.com): "dan" inside a word is not his name', () => {
      expect(passwordProblems('abundance of yellow tulips', dan)).to.deep.equal([]);
    });

    it('refuses a 3-character name or local part standing as a word of its own', () => {
      expect(passwordProblems('dan is the best of all', dan)).to.deep.equal([
        'must not contain your email address',
        'must not contain your name',
      ]);
      expect(passwordProblems('the password of DAN2024', dan), 'a run of letters ends at a digit').to.include(
        'must not contain your name',
      );
    });

    it('refuses "dan.smith2024" for Dan Smith, dan.smith@example.com', () => {
      expect(passwordProblems('dan.smith2024', { ...danSmith, minLength: 8 })).to.deep.equal([
        'must not contain your email address',
        'must not contain your name',
      ]);
      expect(passwordProblems('dan.smith2024', { minLength: 8, name: 'Dan Smith' })).to.deep.equal([
        'must not contain your name',
      ]);
    });

    it('refuses a word of 4 characters or more anywhere, even inside another word', () => {
      expect(passwordProblems('blacksmithing at midnight', danSmith)).to.deep.equal([
        'must not contain your email address',
        'must not contain your name',
      ]);
      expect(passwordProblems('a long walk on the sandy beach', { minLength: 12, name: 'Andy Li' })).to.include(
        'must not contain your name',
      );
    });

    it('draws the boundary at 4 characters, and ignores words under 3 (initials)', () => {
      const ann = { minLength: 12, name: 'Ann' };
      const anna = { minLength: 12, name: 'Anna' };
      expect(passwordProblems('a bannister to lean on', ann), '3 characters, inside a word').to.deep.equal([]);
      expect(passwordProblems('a hosannas to lean on', anna), '4 characters, inside a word').to.deep.equal([
        'must not contain your name',
      ]);
      expect(
        passwordProblems('j and k walked a long way', { minLength: 12, name: 'J K Rowling', email: 'jk@corp.test' }),
      ).to.deep.equal([]);
    });

    it('refuses the whole local part, separators and all, and each of its words', () => {
      expect(passwordProblems('ask for dsmith77 today', { minLength: 12, email: 'dsmith77@corp.test' })).to.deep.equal([
        'must not contain your email address',
      ]);
      expect(passwordProblems('my number is 2024 now', { minLength: 12, email: 'dan.2024@corp.test' })).to.deep.equal([
        'must not contain your email address',
      ]);
    });
  });

  it('refuses the temporary password itself', () => {
    expect(passwordProblems('xK9mP2nQ8vL5wR4t', { ...context, temporaryPassword: 'xK9mP2nQ8vL5wR4t' })).to.include(
      'must differ from the temporary password',
    );
  });
});

describe('auth: temporary passwords and hashing', () => {
  it('draws 16 characters of [A-Za-z0-9], never repeating', () => {
    const seen = new Set(Array.from({ length: 2000 }, generateTemporaryPassword));
    expect(seen.size).to.equal(2000);
    for (const p of seen) expect(p).to.match(/^[A-Za-z0-9]{16}$/);
    const chars = new Set([...seen].join(''));
    expect(chars.size).to.equal(62);
  });

  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).to.match(/^\$argon2id\$v=19\$/);
    const params = hash.split('$')[3]!.split(',').sort();
    expect(params).to.deep.equal(['m=19456', 'p=1', 't=2']);
    expect(await hasher.verify(hash, 'correct horse battery staple')).to.equal(true);
    expect(await hasher.verify(hash, 'wrong')).to.equal(false);
    expect(await hasher.verify('not a hash', 'x')).to.equal(false);
  });
});
