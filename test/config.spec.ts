import { expect } from 'chai';
import { loadConfig, ConfigError } from '../config/index.js';

describe('config', () => {
  it('works with no environment at all', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.redis.prefix).to.equal('rune');
    expect(config.redis.url).to.equal('redis://127.0.0.1:6379');
    expect(config.publicUrl).to.equal('http://localhost:3000');
    expect(config.session.idleTtlSeconds).to.be.lessThan(config.session.maxTtlSeconds);
    expect(Object.isFrozen(config)).to.equal(true);
  });

  for (const [variable, value] of [
    ['PORT', 'eighty'],
    ['REDIS_URL', 'http://localhost'],
    ['REDIS_PREFIX', 'a b'],
    ['SESSION_IDLE_TTL', '-5'],
    ['PASSWORD_MIN_LENGTH', '4'],
    ['JOB_WAIT_MS', 'soon'],
    ['LOG_LEVEL', 'loud'],
    ['SAML_ALLOW_IDP_INITIATED', 'maybe'],
    ['REDIS_CLUSTER_NODES', 'host-without-port'],
    ['SAML_IDP_CERT', '/no/such/file.pem'],
  ]) {
    it(`stops on a bad ${variable}, naming it`, () => {
      expect(() => loadConfig({ [variable!]: value })).to.throw(ConfigError, variable!);
    });
  }

  it('refuses an idle timeout longer than the absolute one', () => {
    expect(() => loadConfig({ SESSION_IDLE_TTL: '100', SESSION_MAX_TTL: '10' })).to.throw(
      ConfigError,
      'SESSION_IDLE_TTL',
    );
  });

  it('reads TRUST_PROXY as a hop count, a boolean or addresses, and trusts no proxy by default', () => {
    expect(loadConfig({}).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).to.equal(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).to.equal('10.0.0.0/8, loopback');
    expect(() => loadConfig({ TRUST_PROXY: 'a;b' })).to.throw(ConfigError, 'TRUST_PROXY');
  });

  it('parses cluster nodes and trims the public URL', () => {
    const config = loadConfig({
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001',
      PUBLIC_URL: 'https://id.example.test/',
    });
    expect(config.redis.clusterNodes).to.deep.equal([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    expect(config.publicUrl).to.equal('https://id.example.test');
  });
});
