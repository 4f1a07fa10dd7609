import { ItemError, stopOrContinue, writeProblem } from './problems';

describe('ItemError', () => {
  it('names its field in the message and keeps the stage', () => {
    const error = new ItemError('expected text, got 3', 'title', 'map');
    expect(error.message).toBe('title: expected text, got 3');
    expect(error.problem).toEqual({ stage: 'map', field: 'title', message: 'title: expected text, got 3' });
  });

  it('defaults to the map stage and no field', () => {
    expect(new ItemError('bad').problem).toEqual({ stage: 'map', field: null, message: 'bad' });
  });

  it('carries the resolve stage when given', () => {
    expect(new ItemError('no match', 'author', 'resolve').problem.stage).toBe('resolve');
  });
});

describe('writeProblem', () => {
  it('keeps an ItemError as it is', () => {
    expect(writeProblem(new ItemError('exists', 'slug', 'write'))).toEqual({
      stage: 'write',
      field: 'slug',
      message: 'slug: exists',
    });
  });

  it('takes a Strapi validation error (with details) as the validate stage and its path as the field', () => {
    const error = Object.assign(new Error('x'), { details: { errors: [{ path: ['seo', 'title'], message: 'required' }] } });
    expect(writeProblem(error)).toEqual({ stage: 'validate', field: 'seo.title', message: 'seo.title: required' });
  });

  it('takes a driver error as the write stage, naming the column as its attribute and hiding the SQL', () => {
    const error = Object.assign(new Error('insert into "cities" ("name") values ($1) - value too long for type character varying(5)'), {
      code: '22001',
      column: 'city_name',
    });
    expect(writeProblem(error, (column) => (column === 'city_name' ? 'name' : column))).toEqual({
      stage: 'write',
      field: 'name',
      message: 'name: the database refused the value: value too long for type character varying(5)',
    });
  });

  it('says so when a unique value is already used', () => {
    const error = Object.assign(new Error('UNIQUE constraint failed: articles.slug'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(writeProblem(error)).toEqual({
      stage: 'write',
      field: null,
      message: 'a value that must be unique is already used (the database refused the value: UNIQUE constraint failed: articles.slug)',
    });
  });

  it('takes anything else as the write stage with its first line', () => {
    expect(writeProblem(new Error('the connection was lost\nstack'))).toEqual({ stage: 'write', field: null, message: 'the connection was lost' });
  });
});

describe('stopOrContinue', () => {
  const problem = { stage: 'map' as const, field: 'title', message: 'title: bad' };

  it('throws the stop failure in stop mode', () => {
    expect(() => stopOrContinue('stop', problem, (p) => new Error(`stopped: ${p.message}`))).toThrow('stopped: title: bad');
  });

  it('returns the problem to record in continue mode', () => {
    const stop = jest.fn(() => new Error('no'));
    expect(stopOrContinue('continue', problem, stop)).toBe(problem);
    expect(stop).not.toHaveBeenCalled();
  });
});
