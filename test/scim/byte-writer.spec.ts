import { expect } from 'chai';
import fc from 'fast-check';
import { ByteWriter, decimalOf } from '../../src/scim/byte-writer.js';

// The writer the hot SCIM reads render into: its times must be Date#toISOString's, byte for byte,
// since meta.created and meta.lastModified are what an IdP compares.

const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const iso = (ms: number) => new ByteWriter(8).isoTime(ms).done().toString('latin1');

describe('ByteWriter', () => {
  it('writes any time as Date#toISOString does, across the years 0000 to 9999 and beyond', () => {
    const anyTime = fc.oneof(
      fc.integer({ min: 0, max: LAST_FOUR_DIGIT_YEAR_MS }),
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
    );
    fc.assert(
      fc.property(anyTime, (ms) => {
        expect(iso(ms)).to.equal(new Date(ms).toISOString());
      }),
      { numRuns: 20_000, seed: 24 },
    );
    // Leap days, year and century turns, the ends of the range.
    const edges = ['1970-01-01T00:00:00.000Z', '2000-02-29T23:59:59.999Z', '2100-03-01T00:00:00.000Z']
      .concat(['1999-12-31T23:59:59.999Z', '2024-02-29T12:00:00.001Z', '9999-12-31T23:59:59.999Z'])
      .map((text) => Date.parse(text));
    for (const ms of [...edges, 0, LAST_FOUR_DIGIT_YEAR_MS + 1, -1])
      expect(iso(ms)).to.equal(new Date(ms).toISOString());
  });

  it('refuses a time Date cannot write, as Date does', () => {
    expect(() => iso(Number.NaN)).to.throw(RangeError);
  });

  it('reads stored decimals as Number does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat().map(String), fc.string({ maxLength: 20 })), (text) => {
        const expected = Number(text);
        const read = decimalOf(Buffer.from(text, 'latin1'));
        if (Number.isNaN(expected)) expect(read).to.be.NaN;
        else expect(read).to.equal(expected);
      }),
      { numRuns: 5_000, seed: 25 },
    );
    expect(decimalOf(Buffer.from('1796196616310'))).to.equal(1796196616310);
  });

  it('grows past the size it expected without losing what it wrote', () => {
    const out = new ByteWriter(1);
    const parts = ['{"a":', 'żółć ', '東京', '"x"}'];
    for (let i = 0; i < 200; i++) out.text(parts[i % parts.length]!).bytes(Buffer.from([0x2c]));
    const expected = Array.from({ length: 200 }, (_, i) => parts[i % parts.length] + ',').join('');
    expect(out.done().toString('utf8')).to.equal(expected);
  });
});
