import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';

// RULES.md is the one place a newcomer looks for a rule; this spec keeps it true: every file it
// names exists, every `name` after a file occurs in it, and every "title" after a spec is an `it`.

const root = new URL('../../', import.meta.url);
const RULES = 'src/directory/RULES.md';
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Reference {
  line: string;
  file: string;
  names: string[];
  titles: string[];
}

/** Each file named on an `enforced:` or `proved:` line, with the names and titles that follow it. */
function references(markdown: string): Reference[] {
  const found: Reference[] = [];
  for (const line of markdown.split('\n').filter((l) => /^- (enforced|proved):/.test(l))) {
    let current: Reference | undefined;
    for (const token of line.matchAll(/`([^`]+)`|"([^"]+)"/g)) {
      const [, code, title] = token;
      if (code !== undefined && /^(src|test|workers|config)\/.+\.(ts|lua)$/.test(code)) {
        current = { line, file: code, names: [], titles: [] };
        found.push(current);
      } else if (!current) {
        throw new Error(`a name or title before any file in: ${line}`);
      } else if (code !== undefined) current.names.push(code);
      else current.titles.push(title!);
    }
  }
  return found;
}

/** The titles of a spec's `it`s written as plain string literals. */
function itTitles(source: string): Set<string> {
  const titles = new Set<string>();
  for (const m of source.matchAll(/\bit(?:\.only|\.skip)?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g))
    titles.add(m[2]!.replace(/\\(.)/g, '$1'));
  return titles;
}

describe('directory: RULES.md', () => {
  const refs = references(read(RULES));

  it('names at least one enforcing file and one proving spec for each rule', () => {
    const sections = read(RULES)
      .split(/\n#{2,3} /)
      .slice(1)
      .filter((s) => !s.startsWith('Rules the code added'));
    expect(sections.length).to.be.at.least(10 + 5);
    for (const section of sections) {
      const heading = section.split('\n')[0];
      expect(section, heading).to.match(/\n- enforced: `/);
      expect(section, heading).to.match(/\n- proved: `test\//);
    }
  });

  it('names only files that exist, and in each only names that occur there', () => {
    expect(refs.length).to.be.above(40);
    for (const { file, names } of refs) {
      expect(existsSync(new URL(file, root)), `${file} (named in ${RULES})`).to.equal(true);
      const source = read(file);
      for (const name of names) expect(source.includes(name), `${name} in ${file}`).to.equal(true);
    }
  });

  it('quotes only titles of tests that exist in the spec it names', () => {
    const proving = refs.filter((r) => r.file.startsWith('test/'));
    expect(
      proving.every((r) => r.file.endsWith('.spec.ts') && r.titles.length > 0),
      'each spec with a title',
    ).to.equal(true);
    for (const { file, titles } of proving) {
      const known = itTitles(read(file));
      for (const title of titles) expect(known.has(title), `it('${title}') in ${file}`).to.equal(true);
    }
  });
});
