import { expect } from 'chai';
import { safeRelayPath } from '../../src/saml/relay-state.js';

describe('saml: where a RelayState may send the browser', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    for (const path of ['/', '/reports', '/reports?tab=2&x=%2F%2Fa', '/a/b#c', '/caf%C3%A9', '/.well-known/x']) {
      expect(safeRelayPath(path), path).to.equal(path);
    }
  });

  it('sends anything else home: other sites, schemes, tricks a browser would undo', () => {
    const offSite = [
      'https://evil.test',
      'http:/evil.test',
      '//evil.test',
      '///evil.test',
      '/\\evil.test',
      '\\\\evil.test',
      '/\t/evil.test',
      '/\n/evil.test',
      ' /home',
      'javascript:alert(1)',
      'data:text/html,x',
      'evil.test/home',
      '',
      `/${'a'.repeat(3000)}`,
    ];
    for (const value of offSite) expect(safeRelayPath(value), JSON.stringify(value)).to.equal('/');
    for (const value of [undefined, null, 7, ['/a', '/b'], { path: '/a' }]) expect(safeRelayPath(value)).to.equal('/');
  });
});
