import type { ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../src/jobs/queues.js';
import { REDIS_URL, testPrefix, deletePrefix } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { spawnWorker, workerReady, exitOf } from '../support/worker-process.js';
import { call } from '../support/http.js';
import { agrees, observe, predict, type MState, type Observed, type Req } from './model.js';
import { linearize, type Done } from './linearize.js';
import { ADMINS, Fresh, resolve, send, describeReq, roundArb, type Op } from './requests.js';

// One real server (in this process, workers off) and one real worker process (`rune-directory
// worker`), on a Redis database of their own (db 9 of the test Redis, so that a reset scans only
// this run's keys). Each interleaving starts from a fresh directory: three admins, three password
// users and two SCIM users, each admin and SCIM user with a session, and a SCIM token.

const MODEL_DB = 9;
const withDb = (url: string) => (/\/\d+$/.test(url) ? url : `${url.replace(/\/$/, '')}/${MODEL_DB}`);

export interface Figures {
  runs: number;
  rounds: number;
  requests: number;
  checks: number;
  outcomes: Record<string, number>;
}

const SEED_PASSWORD = 'quiet orchard silver kettle';

export class ModelHarness {
  readonly figures: Figures = { runs: 0, rounds: 0, requests: 0, checks: 0, outcomes: {} };
  private constructor(
    readonly server: TestServer,
    private readonly worker: ChildProcess,
    private readonly redis: Redis,
    private readonly scimToken: string,
    private readonly seedHash: string,
  ) {}

  static async start(): Promise<ModelHarness> {
    const url = withDb(REDIS_URL);
    const prefix = testPrefix('model');
    const env = {
      REDIS_URL: url,
      REDIS_PREFIX: prefix,
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      LOGIN_MAX_FAILURES: '1000',
      LOGIN_MAX_CONCURRENT: '16',
      JOB_WAIT_MS: '2000',
      LOG_LEVEL: 'warn',
    };
    const server = await startTestServer(env, { workers: false });
    const worker = spawnWorker({ ...env, LOG_LEVEL: 'info' });
    worker.stderr!.resume();
    await workerReady(worker);
    const redis = new Redis(url, { maxRetriesPerRequest: 2 });
    const { token } = await server.runtime.directory.createScimToken('model');
    const seedHash = await server.runtime.hasher.hash(SEED_PASSWORD);
    return new ModelHarness(server, worker, redis, token, seedHash);
  }

  async close() {
    this.worker.kill('SIGTERM');
    await exitOf(this.worker);
    await this.server.close();
    // The server's close cleans its prefix on the default database; this one is on MODEL_DB.
    await deletePrefix(this.redis, this.server.config.redis.prefix);
    this.redis.disconnect();
  }

  private get directory() {
    return this.server.runtime.directory;
  }

  /** Deletes the directory's keys, keeping the SCIM token and BullMQ's keys (the worker's queues). */
  private async reset() {
    const prefix = this.server.config.redis.prefix;
    const keep = [`{${prefix}}:scim-token`, ...QUEUE_NAMES.map((q) => `{${prefix}}:${q}:`)];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      const gone = keys.filter((key) => !keep.some((k) => key.startsWith(k)));
      if (gone.length > 0) await this.redis.unlink(...gone);
    } while (cursor !== '0');
  }

  /** A fresh directory and its model. */
  private async seed(fresh: Fresh, activeAdmins: number): Promise<{ state: MState; admins: string[] }> {
    await this.reset();
    const state: MState = { users: {}, order: [], groups: {}, groupOrder: [] };
    const add = async (kind: 'password' | 'sso', role: 'admin' | 'user', label: string, withSession: boolean) => {
      const email = fresh.email(label);
      const name = fresh.name(label === 'admin' ? 'Admin' : label === 'idp' ? 'Idp' : 'Seed');
      const user = await this.directory.createUser(
        kind === 'password'
          ? { name, email, role, kind, passwordHash: this.seedHash }
          : { name, email, role, kind, userName: email },
        { source: 'system' },
      );
      state.users[user.id] = {
        id: user.id,
        kind,
        role,
        status: 'active',
        email: email.toLowerCase(),
        name,
        password: kind === 'password' ? SEED_PASSWORD : undefined,
        mustChange: false,
        sessions: [],
      };
      state.order.push(user.id);
      if (withSession) {
        // An SSO user's session stands for a SAML sign-in.
        const { token } = await this.directory.createSession(user.id, 'full');
        state.users[user.id]!.sessions.push({ token, scope: 'full', alive: true });
      }
      return user.id;
    };
    const admins: string[] = [];
    for (let i = 0; i < ADMINS; i++) admins.push(await add('password', 'admin', 'admin', true));
    // Some runs start with one admin deactivated, so that the last-admin rule is near.
    for (const id of admins.slice(activeAdmins)) {
      await this.directory.deactivateUser(id, { source: 'system' });
      const u = state.users[id]!;
      u.status = 'inactive';
      for (const x of u.sessions) x.alive = false;
    }
    for (let i = 0; i < 3; i++) await add('password', 'user', 'seed', i === 0);
    for (let i = 0; i < 2; i++) await add('sso', 'user', 'idp', true);
    return { state, admins };
  }

  private async observeAll(order: string[]): Promise<Map<string, Observed | null>> {
    const seen = new Map<string, Observed | null>();
    const users = await Promise.all(order.map((id) => this.directory.getUser(id)));
    users.forEach((u, i) => {
      seen.set(
        order[i]!,
        u && {
          status: u.status,
          role: u.role,
          kind: u.kind,
          email: (u.email ?? '').toLowerCase(),
          name: u.name,
          mustChange: u.mustChangePassword,
        },
      );
    });
    return seen;
  }

  /** Each group's member ids as SCIM shows them (null: no such group). */
  private async observeGroups(ids: string[]): Promise<Map<string, string[] | null>> {
    const seen = new Map<string, string[] | null>();
    await Promise.all(
      ids.map(async (id) => {
        const reply = await call(this.server.url, 'GET', `/scim/v2/Groups/${id}`, { token: this.scimToken });
        if (reply.status === 404) return seen.set(id, null);
        if (reply.status !== 200) throw new Error(`GET /Groups/${id} answered ${reply.status}: ${reply.text}`);
        const members = ((reply.body.members ?? []) as { value: string }[]).map((m) => m.value).sort();
        seen.set(id, members);
      }),
    );
    return seen;
  }

  /** One interleaving: the rounds in order, each round's requests at once, issued in the scheduler's order. */
  async run(rounds: Op[][], scheduler: fc.Scheduler, activeAdmins = ADMINS): Promise<void> {
    const fresh = new Fresh(String(this.figures.runs++));
    const seeded = await this.seed(fresh, activeAdmins);
    let candidates = [seeded.state];
    const trace: string[] = [];
    const fail = (why: string) => {
      throw new Error(`${why}\ntrace:\n  ${trace.join('\n  ')}`);
    };
    for (const [n, ops] of rounds.entries()) {
      const reqs = ops.map((op) => resolve(op, candidates[0]!, seeded.admins, fresh)).filter((r): r is Req => !!r);
      const sent = reqs.map((req) =>
        scheduler
          .schedule(Promise.resolve(req), req.kind)
          .then(async (r): Promise<Done> => ({ req: r, reply: await send(this.server.url, this.scimToken, r) })),
      );
      await scheduler.waitAll();
      const done = await Promise.all(sent);
      this.figures.rounds++;
      this.figures.requests += done.length;
      for (const d of done) {
        const key = `${d.req.kind} ${d.reply.outcome}`;
        this.figures.outcomes[key] = (this.figures.outcomes[key] ?? 0) + 1;
        if (d.reply.status >= 500)
          fail(`round ${n}: ${describeReq(d.req, d.reply)}: a 5xx (${JSON.stringify(d.reply.body)})`);
      }
      trace.push(`round ${n}: ${done.map((d) => describeReq(d.req, d.reply)).join(' | ')}`);
      const { states, checks } = linearize(candidates, done);
      this.figures.checks += checks;
      if (states.length === 0) {
        const alone = done.map(
          (d) =>
            `${d.req.kind}: ${predict(d.req, candidates[0]!, candidates[0]!)
              .map((a) => a.outcome)
              .join('/')}`,
        );
        fail(
          `round ${n}: no order of the round's requests gives the replies they got (each alone first: ${alone.join(', ')})`,
        );
      }
      const real = await this.observeAll([...new Set(states.flatMap((s) => s.order))]);
      const realGroups = await this.observeGroups([...new Set(states.flatMap((s) => s.groupOrder))]);
      const agreeing = states.filter((s) => agrees(s, real, realGroups) === null);
      this.figures.checks += states.length;
      if (agreeing.length === 0)
        fail(`round ${n}: the directory differs from every order's model: ${agrees(states[0]!, real, realGroups)}`);
      candidates = agreeing;
    }
    await this.finalChecks(candidates, fail);
  }

  /** After a run: an active admin, no working session of an inactive or deleted user, doctor clean, sessions as modelled. */
  private async finalChecks(candidates: MState[], fail: (why: string) => never): Promise<void> {
    const { directory } = this;
    const admins = await this.redis.scard(directory.keys.activeAdmins);
    this.figures.checks++;
    if (admins < 1) fail('no active admin is left');

    const doctor = await directory.checkIndexes();
    this.figures.checks++;
    if (doctor.mismatches.length > 0) fail(`doctor: ${JSON.stringify(doctor.mismatches.slice(0, 5))}`);
    const total = Object.keys(candidates[0]!.users).length;
    this.figures.checks++;
    if (doctor.users !== total) fail(`doctor counts ${doctor.users} users, the model ${total}`);

    // Every session token ever handed out, tried once: alive in the model = 200, else 401 (or 403 user_inactive).
    const tokens = new Map<string, string>();
    for (const s of candidates)
      for (const u of Object.values(s.users)) for (const x of u.sessions) tokens.set(x.token, u.id);
    const probes = await Promise.all(
      [...tokens.keys()].map(
        async (token) => [token, (await call(this.server.url, 'GET', '/auth/session', { token })).status] as const,
      ),
    );
    const works = new Map(probes.map(([token, status]) => [token, status === 200]));
    for (const [token, status] of probes) {
      this.figures.checks++;
      if (status !== 200 && status !== 401 && status !== 403) fail(`GET /auth/session answered ${status}`);
      const user = await directory.getUser(tokens.get(token)!);
      this.figures.checks++;
      if (status === 200 && (!user || user.status !== 'active'))
        fail(`a session of ${user ? 'an inactive' : 'a deleted'} user ${tokens.get(token)} still works`);
    }
    const sessionsAgree = (s: MState) =>
      Object.values(s.users).every((u) => u.sessions.every((x) => works.get(x.token) === x.alive));
    this.figures.checks++;
    if (!candidates.some(sessionsAgree)) {
      const s = candidates[0]!;
      const wrong = Object.values(s.users).flatMap((u) =>
        u.sessions
          .filter((x) => works.get(x.token) !== x.alive)
          .map(
            (x) =>
              `${u.id.slice(0, 8)} ${observe(u).status} session ${x.token.slice(0, 6)}: model ${x.alive ? 'alive' : 'ended'}, server ${works.get(x.token) ? 'works' : 'refuses'}`,
          ),
      );
      fail(`sessions differ from every candidate's model: ${wrong.join('; ')}`);
    }
  }

  /** The property: `runs` interleavings of up to `maxRounds` rounds, from `seed`. */
  async check(options: {
    seed: number;
    runs: number;
    maxRounds: number;
    beforeRun?: () => void;
    /** fast-check's path of a failure: replays that case only. */
    path?: string;
  }): Promise<void> {
    await fc.assert(
      fc.asyncProperty(
        fc.array(roundArb, { minLength: 1, maxLength: options.maxRounds }),
        fc.scheduler(),
        fc.integer({ min: 2, max: ADMINS }),
        (rounds, s, activeAdmins) => {
          options.beforeRun?.();
          return this.run(rounds, s, activeAdmins);
        },
      ),
      options.path
        ? { seed: options.seed, path: options.path, endOnFailure: true }
        : { seed: options.seed, numRuns: options.runs },
    );
  }
}
