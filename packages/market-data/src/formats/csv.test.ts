import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rows, sampleData, temporaryDirectory } from '../../test/helpers.js';
import { CsvImportError } from '../errors.js';
import { parseCsv, readCsvFile } from './csv.js';

const day = (text: string) => Date.parse(`${text}T00:00:00Z`);

function csvError(
  text: string,
  options: Parameters<typeof parseCsv>[1] = { fileName: 'GOOG.csv' },
) {
  try {
    parseCsv(text, options);
  } catch (error) {
    if (error instanceof CsvImportError) return error;
    throw error;
  }
  throw new Error('expected parseCsv to reject the text');
}

describe('readCsvFile on the shared sample data', () => {
  // Counts and values below are read off the files themselves (wc -l minus the header, and the
  // first and last lines).
  it('reads GOOG.csv: 2148 daily bars, 2004-08-19 to 2013-03-01', async () => {
    const bars = await readCsvFile(sampleData('GOOG.csv'));
    expect(bars.length).toBe(2148);
    expect(rows(bars)[0]).toEqual([day('2004-08-19'), 100, 104.06, 95.96, 100.34, 22351900]);
    expect(rows(bars)[2147]).toEqual([day('2013-03-01'), 797.8, 807.14, 796.15, 806.19, 2175400]);
  });

  it('reads EURUSD.csv: 5000 hourly bars with date-times', async () => {
    const bars = await readCsvFile(sampleData('EURUSD.csv'));
    expect(bars.length).toBe(5000);
    expect(rows(bars)[0]).toEqual([
      Date.UTC(2017, 3, 19, 9),
      1.0716,
      1.0722,
      1.07083,
      1.07219,
      1413,
    ]);
    expect(bars.time[4999]).toBe(Date.UTC(2018, 1, 7, 15));
  });

  it('reads BTCUSD.csv: 156 monthly bars with fractional volume', async () => {
    const bars = await readCsvFile(sampleData('BTCUSD.csv'));
    expect(bars.length).toBe(156);
    expect(rows(bars)[0]).toEqual([day('2012-01-31'), 4.58, 7.38, 3.8, 5.55, 2012.25343589]);
  });

  it('gives the same bars for the file as text and as bytes', async () => {
    const bytes = await readFile(sampleData('GOOG.csv'));
    const fromText = parseCsv(bytes.toString('utf8'), { fileName: 'GOOG.csv' });
    const fromBytes = parseCsv(bytes, { fileName: 'GOOG.csv' });
    expect(rows(fromText)).toEqual(rows(fromBytes));
  });

  it('names a missing file', async () => {
    await expect(readCsvFile('/nonexistent/dir/NOPE.csv')).rejects.toThrow(
      'NOPE.csv: no such file',
    );
  });
});

describe('parseCsv shapes', () => {
  it('takes Date in any case and the columns in any order, ignoring extra ones', () => {
    const bars = parseCsv(
      'volume,CLOSE,Adj Close,date,low,HIGH,Open\n100,10.5,10.4,2020-01-02,9,11,10\n',
      { fileName: 'x.csv' },
    );
    expect(rows(bars)).toEqual([[day('2020-01-02'), 10, 11, 9, 10.5, 100]]);
  });

  it('handles CRLF line ends, a byte-order mark, quoted fields, blank lines and no final newline', () => {
    const text =
      '\uFEFF"Date","Open","High","Low","Close","Volume"\r\n' +
      '"2020-01-02",10,11,9,10.5,100\r\n' +
      '\r\n' +
      '2020-01-03,"10.5",12,10,11.5,"200"';
    expect(rows(parseCsv(text, { fileName: 'x.csv' }))).toEqual([
      [day('2020-01-02'), 10, 11, 9, 10.5, 100],
      [day('2020-01-03'), 10.5, 12, 10, 11.5, 200],
    ]);
  });

  it('reads old Mac line ends (a lone CR)', () => {
    const text =
      'Date,Open,High,Low,Close,Volume\r2020-01-02,10,11,9,10.5,100\r2020-01-03,10.5,12,10,11.5,200\r';
    expect(parseCsv(text, { fileName: 'x.csv' }).length).toBe(2);
  });

  it('gives volume 0 when the file has no Volume column', () => {
    const bars = parseCsv('Date,Open,High,Low,Close\n2020-01-02,10,11,9,10.5\n', {
      fileName: 'x.csv',
    });
    expect(Array.from(bars.volume)).toEqual([0]);
  });

  it('maps columns by name and reads another delimiter', () => {
    const bars = parseCsv('ts;o;h;l;c;v\n2020-01-02 15:30;10;11;9;10.5;100\n', {
      fileName: 'x.csv',
      delimiter: ';',
      columns: { time: 'ts', open: 'o', high: 'h', low: 'l', close: 'c', volume: 'v' },
    });
    expect(rows(bars)).toEqual([[Date.UTC(2020, 0, 2, 15, 30), 10, 11, 9, 10.5, 100]]);
  });

  it('reads times without an offset in the import timezone, and keeps explicit offsets', () => {
    // New York is UTC-5 in January (EST).
    const bars = parseCsv(
      'Date,Open,High,Low,Close,Volume\n' +
        '2020-01-02 09:30,10,11,9,10.5,1\n' +
        '2020-01-02T16:00:00Z,10,11,9,10.5,1\n',
      { fileName: 'x.csv', timezone: 'America/New_York' },
    );
    expect(Array.from(bars.time)).toEqual([Date.UTC(2020, 0, 2, 14, 30), Date.UTC(2020, 0, 2, 16)]);
  });
});

describe('parseCsv errors name the file, the line and the problem', () => {
  const header = 'Date,Open,High,Low,Close,Volume\n';
  const good = '2020-01-02,10,11,9,10.5,100\n';

  it.each([
    [
      'high below low',
      `${good}2020-01-03,102,101.2,103.5,102,5\n`,
      3,
      'high 101.2 is below low 103.5',
    ],
    ['high below close', `${good}2020-01-03,10,11,9,12,5\n`, 3, 'high 11 is below close 12'],
    ['low above open', `${good}2020-01-03,10,11,10.5,10.7,5\n`, 3, 'low 10.5 is above open 10'],
    ['negative volume', `${good}2020-01-03,10,11,9,10.5,-5\n`, 3, 'volume -5 is negative'],
    [
      'a zero price',
      `2020-01-02,0,11,9,10.5,100\n`,
      2,
      "open 0 must be positive and at most 1000000000000 (larger prices overflow the engine's products)",
    ],
    [
      // Imported with a warning once, then every run on it failed with pnl = NaN.
      'a price of 1e308',
      `${good}2020-01-03,10,1e308,9,10.5,5\n`,
      3,
      "high 1e+308 must be positive and at most 1000000000000 (larger prices overflow the engine's products)",
    ],
    [
      'a volume of 1e300',
      `${good}2020-01-03,10,11,9,10.5,1e300\n`,
      3,
      'volume 1e+300 must be at most 1000000000000000',
    ],
    ['a non-numeric field', `${good}2020-01-03,10,abc,9,10.5,5\n`, 3, "high 'abc' is not a number"],
    ['an empty field', `${good}2020-01-03,10,11,,10.5,5\n`, 3, 'low is empty'],
    [
      'a duplicate timestamp',
      `${good}2020-01-02,10,11,9,10.5,5\n`,
      3,
      'duplicate timestamp 2020-01-02 (also on line 2)',
    ],
    [
      'unsorted timestamps',
      `${good}2020-01-01,10,11,9,10.5,5\n`,
      3,
      'timestamp 2020-01-01 is before 2020-01-02 on line 2 (rows must be in time order)',
    ],
    [
      'a bad date',
      `${good}01/03/2020,10,11,9,10.5,5\n`,
      3,
      "time '01/03/2020' is not an ISO date or date-time",
    ],
    [
      'too few fields',
      `${good}2020-01-03,10,11,9\n`,
      3,
      'expected 6 fields like the header, found 4',
    ],
    [
      'too many fields',
      `${good}2020-01-03,10,11,9,10.5,5,7\n`,
      3,
      'expected 6 fields like the header, found more',
    ],
    [
      'an unclosed quote',
      `${good}"2020-01-03,10,11,9,10.5,5\n`,
      3,
      'a quoted field is never closed',
    ],
  ])('%s', (_, body, line, problem) => {
    const error = csvError(header + body);
    expect(error).toMatchObject({ file: 'GOOG.csv', line, problem });
    expect(error.message).toBe(`GOOG.csv line ${line}: ${problem}`);
  });

  it('counts blank lines in line numbers', () => {
    expect(csvError(`${header}${good}\n\n2020-01-03,10,11,9,10.5,-1\n`).line).toBe(5);
  });

  it.each([
    ['an empty file', '', null, 'the file is empty (expected a header row and bars)'],
    ['a header only', header, null, 'no bars after the header'],
    [
      'no close column',
      'Date,Open,High,Low,Volume\n',
      1,
      'no close column (header: Date, Open, High, Low, Volume)',
    ],
    [
      'no time column',
      'When,Open,High,Low,Close\n',
      1,
      'no time column: name it Date or leave the first header cell empty, or map it (header: When, Open, High, Low, Close)',
    ],
  ])('rejects %s', (_, text, line, problem) => {
    expect(csvError(text)).toMatchObject({ line, problem });
  });

  it('rejects a mapping to a column that is not there', () => {
    const error = csvError(`${header}${good}`, {
      fileName: 'GOOG.csv',
      columns: { close: 'Adj Close' },
    });
    expect(error.problem).toBe(
      "no column 'Adj Close' for close (header: Date, Open, High, Low, Close, Volume)",
    );
  });
});

describe('readCsvFile reads a window of whole lines at a time', () => {
  const header = 'Date,Open,High,Low,Close,Volume\n';
  const good = '2020-01-02,10,11,9,10.5,100\n';

  /** The bars, or the error's message, parseCsv gives for `text` in memory. */
  function inMemory(text: string): unknown {
    try {
      return rows(parseCsv(text, { fileName: 'w.csv' }));
    } catch (error) {
      return { error: String(error) };
    }
  }

  async function fromFile(text: string, chunkBytes: number): Promise<unknown> {
    const dir = await temporaryDirectory();
    try {
      const path = join(dir.path, 'w.csv');
      await writeFile(path, text);
      return rows(await readCsvFile(path, {}, chunkBytes));
    } catch (error) {
      return { error: String(error) };
    } finally {
      await dir.remove();
    }
  }

  it.each([
    [
      'CRLF, a byte-order mark, quotes, blank lines, no final newline',
      `\uFEFF"Date","Open","High","Low","Close","Volume"\r\n"2020-01-02",10,11,9,10.5,100\r\n\r\n2020-01-03,"10.5",12,10,11.5,"200"`,
    ],
    [
      'lone CR line ends',
      'Date,Open,High,Low,Close,Volume\r2020-01-02,10,11,9,10.5,100\r2020-01-03,10.5,12,10,11.5,200\r',
    ],
    [
      'a quoted field across lines',
      `Date,Note,Open,High,Low,Close,Volume\n2020-01-02,"one\ntwo\nthree",10,11,9,10.5,100\n2020-01-03,"",10.5,12,10,11.5,200\n2020-01-04,x,10,11,9,10.5,-1\n`,
    ],
    ['an error on a later line', `${header}${good}\n\n2020-01-03,10,11,9,10.5,-1\n`],
    ['an unclosed quote', `${header}${good}"2020-01-03,10,11,9,10.5,5\n`],
    ['too few fields', `${header}${good}2020-01-03,10,11,9\n`],
    ['an empty file', ''],
    ['a header only', header],
  ])('%s: as parseCsv in memory, whatever the window', async (_, text) => {
    const expected = inMemory(text);
    for (const chunkBytes of [1, 2, 3, 5, 8, 13, 64, 1 << 20]) {
      expect(await fromFile(text, chunkBytes), `window of ${chunkBytes} bytes`).toEqual(expected);
    }
  });

  it('reads GOOG.csv in small windows as in one', async () => {
    const whole = rows(await readCsvFile(sampleData('GOOG.csv')));
    expect(rows(await readCsvFile(sampleData('GOOG.csv'), {}, 100))).toEqual(whole);
    expect(rows(await readCsvFile(sampleData('GOOG.csv'), {}, 4096))).toEqual(whole);
  });

  it('names a directory given as the file', async () => {
    const dir = await temporaryDirectory();
    try {
      await expect(readCsvFile(dir.path)).rejects.toThrow(/cannot read the file \(EISDIR\)/);
    } finally {
      await dir.remove();
    }
  });
});

describe('readCsvFile sizes its columns from the first window', () => {
  const header = 'Date,Note,Open,High,Low,Close,Volume\n';
  const row = (minute: number, note: string) =>
    `${new Date(Date.UTC(2020, 0, 2) + minute * 60_000).toISOString()},${note},10,11,9,10.5,${minute}\n`;

  it('grows them when later rows are shorter than the first ones', async () => {
    // A first window of long rows makes the estimate small; the short rows after it overflow it.
    const text =
      header + Array.from({ length: 500 }, (_, i) => row(i, i < 4 ? 'x'.repeat(200) : '')).join('');
    const dir = await temporaryDirectory();
    try {
      const path = join(dir.path, 'g.csv');
      await writeFile(path, text);
      const expected = rows(parseCsv(text, { fileName: 'g.csv' }));
      expect(expected).toHaveLength(500);
      for (const chunkBytes of [256, 1024, 1 << 20]) {
        const bars = await readCsvFile(path, {}, chunkBytes);
        expect(rows(bars), `window of ${chunkBytes} bytes`).toEqual(expected);
      }
    } finally {
      await dir.remove();
    }
  });
});

describe('readCsvFile keeps only the columns asked for', () => {
  it('stores just those, equal to the whole read, in every window size', async () => {
    const whole = await readCsvFile(sampleData('GOOG.csv'));
    for (const chunkBytes of [100, 1 << 20]) {
      const some = await readCsvFile(
        sampleData('GOOG.csv'),
        { keep: ['open', 'close'] },
        chunkBytes,
      );
      expect(Object.keys(some).sort()).toEqual(['close', 'length', 'open', 'time']);
      expect(some.length).toBe(whole.length);
      for (const column of ['time', 'open', 'close'] as const) {
        expect(Buffer.from(some[column]!.buffer, 0, whole.length * 8), column).toEqual(
          Buffer.from(whole[column].buffer, 0, whole.length * 8),
        );
      }
    }
  });

  it('still checks every column of every row', () => {
    const text =
      'Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10,11,9,12,-5\n';
    expect(() => parseCsv(text, { fileName: 'k.csv', keep: ['close'] })).toThrow(
      /k\.csv line 3: .*high 11 is below close 12/,
    );
  });
});

describe('parseCsv reads the common date-time shape as the general parser does', () => {
  const header = 'Date,Open,High,Low,Close,Volume\n';
  const at = (text: string) => Date.parse(text.replace(' ', 'T') + (/[Z+]/.test(text) ? '' : 'Z'));

  it.each([
    ['a space', '2020-01-02 09:30:00', '2020-01-02 09:31:05'],
    ['a T', '2020-01-02T09:30:00', '2020-01-02T23:59:59'],
    ['a new date', '2020-01-02 23:59:00', '2020-01-03 00:00:00'],
    ['an offset after the same date', '2020-01-02 09:30:00', '2020-01-02 10:31:05Z'],
    ['milliseconds', '2020-01-02 09:30:00', '2020-01-02 09:30:00.250'],
    ['minutes only', '2020-01-02 09:30:00', '2020-01-02 09:31'],
    ['blanks around the field', '2020-01-02 09:30:00', '  2020-01-02 09:31:00\t'],
  ])('%s', (_, first, second) => {
    const bars = parseCsv(`${header}${first},10,11,9,10.5,1\n${second},10,11,9,10.5,2\n`, {
      fileName: 'x.csv',
    });
    expect(Array.from(bars.time)).toEqual([at(first), at(second.trim())]);
  });

  it('takes the time as the last field, quoted, or with an import timezone', () => {
    const text =
      'Open,High,Low,Close,Volume,Date\n' +
      '10,11,9,10.5,1,2020-01-02 09:30:00\r\n' +
      '10,11,9,10.5,1,2020-01-02 09:31:00\r\n' +
      '10,11,9,10.5,1,"2020-01-02 09:32:00"';
    const bars = parseCsv(text, { fileName: 'x.csv', timezone: 'America/New_York' });
    expect(Array.from(bars.time)).toEqual([
      Date.UTC(2020, 0, 2, 14, 30),
      Date.UTC(2020, 0, 2, 14, 31),
      Date.UTC(2020, 0, 2, 14, 32),
    ]);
  });

  it('splits at a delimiter that the date-time contains', () => {
    const bars = parseCsv(
      'Date Open High Low Close\n2020-01-02 10 11 9 10.5\n2020-01-03 10 11 9 10.5\n',
      {
        fileName: 'x.csv',
        delimiter: ' ',
      },
    );
    expect(Array.from(bars.time)).toEqual([day('2020-01-02'), day('2020-01-03')]);
  });

  it.each([
    [
      'an hour of 24',
      '2020-01-02 24:00:00',
      "time '2020-01-02 24:00:00' is not an ISO date or date-time",
    ],
    [
      'a minute of 60',
      '2020-01-02 09:60:00',
      "time '2020-01-02 09:60:00' is not an ISO date or date-time",
    ],
    [
      'a second of 60',
      '2020-01-02 09:30:60',
      "time '2020-01-02 09:30:60' is not an ISO date or date-time",
    ],
    [
      'a letter in the time',
      '2020-01-02 09:3x:00',
      "time '2020-01-02 09:3x:00' is not an ISO date or date-time",
    ],
    [
      'text after the time',
      '2020-01-02 09:31:00 x',
      "time '2020-01-02 09:31:00 x' is not an ISO date or date-time",
    ],
    ['an empty time', ' ', 'time is empty'],
  ])('rejects %s on the line it is on', (_, second, problem) => {
    const error = csvError(
      `${header}2020-01-02 09:30:00,10,11,9,10.5,1\n${second},10,11,9,10.5,2\n`,
    );
    expect(error).toMatchObject({ line: 3, problem });
  });
});

describe('parseCsv numbers', () => {
  const header = 'Date,Open,High,Low,Close,Volume\n';

  it.each([
    ['exponents', '1e1,1.1E1,9.5e+0,100e-1', [10, 11, 9.5, 10]],
    ['a plus sign and blanks', '+10, 11 ,\t9,10.5', [10, 11, 9, 10.5]],
    ['leading and trailing zeros', '010.50,011.000,09,10.5', [10.5, 11, 9, 10.5]],
    ['points at either end', '10.,11.0,.9e1,10.5', [10, 11, 9, 10.5]],
    [
      'more than 15 digits',
      '10.000000000000001,11.0000000000000001,9,10.5',
      [Number('10.000000000000001'), 11, 9, 10.5],
    ],
  ])('%s, exactly as Number() reads them', (_, prices, expected) => {
    const bars = parseCsv(`${header}2020-01-02,${prices},100\n`, { fileName: 'x.csv' });
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0]]).toEqual(expected);
  });

  it.each([
    [
      'a negative price',
      '2020-01-02,-10,11,9,10.5,1',
      "open -10 must be positive and at most 1000000000000 (larger prices overflow the engine's products)",
    ],
    ['a lone minus', '2020-01-02,10,11,-,10.5,1', "low '-' is not a number"],
    ['two points', '2020-01-02,10,11,9,10.5.1,1', "close '10.5.1' is not a number"],
    ['a bare exponent', '2020-01-02,10,11e,9,10.5,1', "high '11e' is not a number"],
    ['a comma decimal in quotes', '2020-01-02,"10,5",11,9,10.5,1', "open '10,5' is not a number"],
    ['an empty volume', '2020-01-02,10,11,9,10.5,', 'volume is empty'],
  ])('rejects %s', (_, row, problem) => {
    expect(
      csvError(
        `${`${header}2020-01-02,10,11,9,10.5,1\n`.replace('2020-01-02', '2020-01-01')}${row}\n`,
      ),
    ).toMatchObject({ line: 3, problem });
  });
});
