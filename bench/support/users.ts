import { randomBytes } from 'node:crypto';
import type { NewUser } from '../../src/directory/index.js';

// Realistic synthetic users: "Firstname Lastname" (8–25 characters, a few with accents),
// unique emails in a handful of common formats, ~1% admins, password users with an
// argon2id-shaped hash (random, never computed: argon2 would dominate the run).

const FIRST =
  'James,Mary,Robert,Patricia,John,Jennifer,Michael,Linda,David,Elizabeth,William,Barbara,Richard,Susan,Joseph,Jessica,Thomas,Sarah,Christopher,Karen,Daniel,Lisa,Matthew,Nancy,Anthony,Sandra,Mark,Ashley,Steven,Emily,Andrew,Michelle,Joshua,Amanda,Kevin,Melissa,Brian,Stephanie,Timothy,Rebecca,Ava,Liam,Noah,Olivia,Mia,Lucas,Sofia,Mateo,Hannah,Leo,Priya,Arjun,Wei,Yuki,Hiroshi,Fatima,Omar,Aisha,Ivan,Olga,José,Zoë,Chloé,Søren,Björn,Renée,André,Inês,Łukasz,Ángel'.split(
    ',',
  );
const LAST =
  "Smith,Johnson,Williams,Brown,Jones,Garcia,Miller,Davis,Rodriguez,Martinez,Hernandez,Lopez,Gonzalez,Wilson,Anderson,Thomas,Taylor,Moore,Jackson,Martin,Lee,Perez,Thompson,White,Harris,Sanchez,Clark,Ramirez,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,Torres,Nguyen,Hill,Flores,Green,Adams,Nelson,Baker,Hall,Rivera,Campbell,Mitchell,Carter,Roberts,Patel,Kim,Chen,Wang,Singh,Kumar,Tanaka,Suzuki,Ivanova,Novak,Müller,Schmidt,Dubois,Rossi,Jensen,Nielsen,Kowalski,Silva,Fernández,Öztürk,Van der Berg,Fitzgerald,Montgomery,O'Connor,Zimmermann,Abernathy,Castellanos,Ó Súilleabháin".split(
    ',',
  );
const DOMAINS = 'example.com,acme-corp.com,globex.io,initech.co.uk,mail.umbrella-group.net,stark.industries'.split(',');

/** A small seeded PRNG (mulberry32), so a run's names and emails are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L');
const local = (s: string) =>
  ascii(s)
    .toLowerCase()
    .replace(/[^a-z]/g, '');

const b64 = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '');

/** An argon2id PHC string with random salt and hash: 97 characters, like a real one. */
export const fakeArgon2idHash = () => `$argon2id$v=19$m=19456,t=2,p=1$${b64(16)}$${b64(32)}`;

/** A password user with an email (NewUser's is optional). */
export type FakeUser = NewUser & { email: string };

export interface FakeUserOptions {
  adminShare?: number;
  inactiveShare?: number;
  seed?: number;
}

/** `count` distinct users; emails are unique because each carries its index. */
export function fakeUsers(count: number, options: FakeUserOptions = {}): FakeUser[] {
  const random = seededRandom(options.seed ?? 20_240_601);
  const adminShare = options.adminShare ?? 0.01;
  const inactiveShare = options.inactiveShare ?? 0.02;
  const users: FakeUser[] = [];
  for (let i = 0; i < count; i++) {
    let first: string;
    let last: string;
    do {
      first = pick(FIRST, random);
      last = pick(LAST, random);
    } while (first.length + 1 + last.length < 8 || first.length + 1 + last.length > 25);
    const f = local(first);
    const l = local(last);
    const formats = [`${f}.${l}`, `${f}.${l}`, `${f[0]}${l}`, `${f}_${l}`, `${f}${l[0]}`];
    const email = `${pick(formats, random)}${i + 1}@${pick(DOMAINS, random)}`;
    users.push({
      name: `${first} ${last}`,
      email,
      role: random() < adminShare ? 'admin' : 'user',
      status: random() < inactiveShare ? 'inactive' : 'active',
      kind: 'password',
      passwordHash: fakeArgon2idHash(),
    });
  }
  return users;
}
