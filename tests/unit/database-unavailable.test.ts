import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/storage/unavailable.js';

/** The SQLSTATEs and driver errors that cannot be staged on a live server (tests/postgres/ stages the rest). */
describe('which database errors are an outage (503), and which are a bug (500)', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    ['57P03', 'the database system is starting up'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P04', 'database dropped'],
    ['08006', 'connection failure'],
    ['08001', 'could not connect'],
    ['08P01', 'protocol violation'],
    ['53000', 'insufficient resources'],
    ['53100', 'could not extend file: No space left on device'],
    ['53200', 'out of memory'],
    ['53400', 'configuration limit exceeded'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['28P01', 'password authentication failed for user "kt"'],
  ])('SQLSTATE %s (%s) is an outage', (code, message) => {
    expect(isDatabaseUnavailable(pgError(code, message))).toBe(true);
  });

  it('55000 is an outage only when the database refuses connections; otherwise it stays a 500', () => {
    expect(
      isDatabaseUnavailable(pgError('55000', 'database "kt" is not currently accepting connections')),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(pgError('55000', 'currval of sequence "s" is not yet defined in this session')),
    ).toBe(false);
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['42P01', 'relation "nope" does not exist'],
    ['22P02', 'invalid input syntax for type uuid'],
    ['40001', 'could not serialize access'],
  ])('SQLSTATE %s (%s) is not an outage', (code, message) => {
    expect(isDatabaseUnavailable(pgError(code, message))).toBe(false);
  });

  it('socket errors, pool timeouts and the AggregateError of a multi-address connect are outages', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'])
      expect(isDatabaseUnavailable(pgError(code)), code).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    const both = new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], '');
    expect(isDatabaseUnavailable(both)).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: pgError('57P03') }))).toBe(true);
  });

  it('SQLite busy, full or failing disks are outages; a constraint is not', () => {
    expect(isDatabaseUnavailable(pgError('SQLITE_BUSY'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('SQLITE_FULL'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('SQLITE_IOERR_WRITE'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
