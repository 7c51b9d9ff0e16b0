import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { connect, testPrefix, deleteMatching } from '../support/redis.js';
import { makeAdmin, makeUser, as, SYSTEM, uniqueEmail } from '../support/factories.js';
import { Directory, DirectoryError } from '../../src/directory/index.js';

// Each trial gets a directory of its own (its own prefix), so no trial can lean on
// another's admins, and all trials run at once over several connections.
const TRIALS = 200;
const session = { idleTtlSeconds: 3600, maxTtlSeconds: 86_400 };

const codeOf = (result: PromiseSettledResult<unknown>) =>
  result.status === 'rejected' ? ((result.reason as DirectoryError).code ?? String(result.reason)) : 'ok';

describe('directory: races @slow', function () {
  this.timeout(120_000);
  const connections: Redis[] = [];
  const base = testPrefix('race');
  let trial = 0;

  before(() => {
    for (let i = 0; i < 4; i++) connections.push(connect());
  });
  after(async () => {
    await deleteMatching(connections[0]!, `{${base}-*`);
    connections.forEach((c) => c.disconnect());
  });

  /** The same fresh directory seen through every connection. */
  function freshDirectory(): Directory[] {
    const prefix = `${base}-${++trial}`;
    return connections.map((redis) => new Directory(redis, { prefix, session }));
  }

  it(`two admins deactivating each other at once always leave one active admin (${TRIALS} trials)`, async () => {
    const outcomes = await Promise.all(
      Array.from({ length: TRIALS }, async () => {
        const [d1, d2, d3] = freshDirectory();
        const x = await makeAdmin(d1!);
        const y = await makeAdmin(d1!);
        const results = await Promise.allSettled([d1!.deactivateUser(y.id, as(x)), d2!.deactivateUser(x.id, as(y))]);
        const activeAdmins = await connections[2]!.scard(d3!.keys.activeAdmins);
        return { codes: results.map(codeOf).sort(), activeAdmins };
      }),
    );
    for (const { codes, activeAdmins } of outcomes) {
      expect(activeAdmins).to.equal(1);
      expect(codes).to.deep.equal(['last_active_admin', 'ok']);
    }
  });

  it(`20 concurrent creates with one email in different cases: exactly one wins (${TRIALS} trials)`, async () => {
    const outcomes = await Promise.all(
      Array.from({ length: TRIALS }, async () => {
        const directories = freshDirectory();
        const email = uniqueEmail('same');
        const variants = Array.from({ length: 20 }, (_, i) =>
          [...email].map((ch, j) => ((i >> (j % 5)) & 1 ? ch.toUpperCase() : ch)).join(''),
        );
        const results = await Promise.allSettled(
          variants.map((variant, i) =>
            directories[i % directories.length]!.createUser(
              { name: 'Same Person', email: variant, role: 'user', kind: 'sso' },
              SYSTEM,
            ),
          ),
        );
        return { codes: results.map(codeOf), total: await directories[0]!.countUsers() };
      }),
    );
    for (const { codes, total } of outcomes) {
      expect(codes.filter((c) => c === 'ok')).to.have.length(1);
      expect(codes.filter((c) => c === 'email_taken')).to.have.length(19);
      expect(total).to.equal(1);
    }
  });

  it(`deleting a user while a session opens never leaves a session of a deleted user (${TRIALS} trials)`, async () => {
    const outcomes = await Promise.all(
      Array.from({ length: TRIALS }, async () => {
        const [d1, d2, d3] = freshDirectory();
        const admin = await makeAdmin(d1!);
        const user = await makeUser(d1!);
        const [deleted, opened] = await Promise.allSettled([
          d1!.deleteUser(user.id, as(admin)),
          d2!.createSession(user.id, 'full'),
        ]);
        const exists = (await d3!.getUser(user.id)) !== null;
        const token = opened.status === 'fulfilled' ? opened.value.token : undefined;
        const live = token ? (await d3!.lookupSession(token)).status === 'ok' : false;
        const sessionKeys = await connections[2]!.exists(d3!.keys.userSessions(user.id));
        return { deleted: codeOf(deleted), opened: codeOf(opened), exists, live, sessionKeys };
      }),
    );
    for (const o of outcomes) {
      if (o.deleted === 'ok') {
        expect(o.exists).to.equal(false);
        expect(o.opened).to.equal('not_found');
        expect(o.live).to.equal(false);
        expect(o.sessionKeys).to.equal(0);
      } else {
        expect(o.deleted).to.equal('active_sessions');
        expect(o.exists && o.live).to.equal(true);
      }
    }
  });
});
