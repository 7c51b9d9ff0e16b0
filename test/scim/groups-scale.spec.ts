import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { scimFixture, patch, type ScimFixture } from './scim-fixture.js';
import { connect } from '../support/redis.js';

// Membership at scale: members are a set per group (plus a reverse index per user), so adding one
// member to a group of 100,000 costs what it costs in a group of 10. The big group is filled
// directly in the directory (pipelined SADDs through keys.ts's builders), then timed over HTTP.
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BIG = Number(process.env.GROUPS_SCALE_MEMBERS ?? 100_000);
const SAMPLES = 31;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

describe('SCIM Groups at scale @slow', function () {
  this.timeout(300_000);
  let f: ScimFixture;
  const redis = connect();
  let member: string;
  const groups: Record<'small' | 'big', string> = { small: '', big: '' };
  const filler: Record<'small' | 'big', string[]> = { small: [], big: [] };

  before(async () => {
    f = await scimFixture();
    const user = await f.scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'scale.member@corp.test',
      emails: [{ primary: true, value: 'scale.member@corp.test', type: 'work' }],
      active: true,
    });
    member = user.body.id;
    const keys = f.server.runtime.directory.keys;
    for (const [size, count] of [
      ['small', 10],
      ['big', BIG],
    ] as const) {
      const created = await f.scim('POST', '/Groups', { schemas: [GROUP], displayName: `scale-${size}`, members: [] });
      expect(created.status, created.text).to.equal(201);
      groups[size] = created.body.id;
      filler[size] = Array.from({ length: count }, () => randomUUID());
      for (let i = 0; i < count; i += 5000) {
        const pipeline = redis.pipeline();
        const batch = filler[size].slice(i, i + 5000);
        pipeline.sadd(keys.groupMembers(groups[size]), ...batch);
        for (const id of batch) pipeline.sadd(keys.userGroups(id), groups[size]);
        await pipeline.exec();
      }
    }
  });
  after(async () => {
    // The group's delete takes every reverse index entry with it; the prefix goes with the server.
    for (const id of Object.values(groups)) if (id) await f.scim('DELETE', `/Groups/${id}`);
    redis.disconnect();
    await f.close();
  });

  const addOnce = async (size: 'small' | 'big') => {
    const started = process.hrtime.bigint();
    const added = await f.scim(
      'PATCH',
      `/Groups/${groups[size]}`,
      patch({ op: 'add', path: 'members', value: [{ value: member }] }),
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(added.status, added.text).to.equal(204);
    const removed = await f.scim(
      'PATCH',
      `/Groups/${groups[size]}`,
      patch({ op: 'remove', path: `members[value eq "${member}"]` }),
    );
    expect(removed.status).to.equal(204);
    return ms;
  };

  it('adds one member to a group of 100,000 within 1.5× of a group of 10 (median PATCH)', async () => {
    const group = await f.scim('GET', `/Groups/${groups.big}?excludedAttributes=members`);
    expect(group.status).to.equal(200);
    for (let i = 0; i < 5; i++) for (const size of ['small', 'big'] as const) await addOnce(size);
    const times = { small: [] as number[], big: [] as number[] };
    // Interleaved, so drift on a shared machine falls on both alike.
    for (let i = 0; i < SAMPLES; i++) {
      for (const size of i % 2 ? (['small', 'big'] as const) : (['big', 'small'] as const))
        times[size].push(await addOnce(size));
    }
    const [small, big] = [median(times.small), median(times.big)];
    console.log(
      `      one-member PATCH add, median of ${SAMPLES}: group of 10 ${small.toFixed(2)} ms, group of ${BIG} ${big.toFixed(2)} ms, ratio ${(big / small).toFixed(2)}×`,
    );
    expect(big / small).to.be.at.most(1.5);
    expect(await redis.scard(f.server.runtime.directory.keys.groupMembers(groups.big))).to.equal(BIG);
  });

  it('reads a big group with at most 1,000 members shown, and measures bytes per membership', async () => {
    const read = await f.scim('GET', `/Groups/${groups.big}`);
    expect(read.status).to.equal(200);
    expect(read.body.members).to.have.length(1000);
    const bytes = await f.server.runtime.directory.groups.memoryOf(groups.big, filler.big);
    const set = await f.server.runtime.directory.groups.memoryOf(groups.big, []);
    const perMembership = bytes / BIG;
    console.log(
      `      memory: ${BIG} memberships take ${(bytes / 1024 / 1024).toFixed(1)} MiB, ${perMembership.toFixed(0)} bytes per membership: ` +
        `${(set / BIG).toFixed(0)} in the group's member set, ${((bytes - set) / BIG).toFixed(0)} in the reverse index (one small set per user, shared by all their groups)`,
    );
    expect(perMembership).to.be.within(16, 400);
  });
});
