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

  it('refuses the temporary password itself', () => {
    expect(passwordProblems('xK9mP2nQ8vL5wR4t', { ...context, temporaryPassword: 'xK9mP2nQ8vL5wR4t' }))
      .to.include('must differ from the temporary password');
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
