import { articleType, template } from '../testing/fixtures';
import { buildImportOptions, importValuesFromTemplate, validateImportForm } from './forms';
import { fromComputed, fromFieldMapping, hasTransformErrors, initialMapping, toComputed, toFieldMapping, transformError } from './mapping';

describe('mapping with transforms', () => {
  it('writes a row with a transform as { to, transform }, even onto the field of the same name', () => {
    expect(
      toFieldMapping([
        { source: 'Prix', target: 'price', transform: " $number($replace($, ',', '.')) " },
        { source: 'title', target: 'title', transform: '$uppercase($)' },
        { source: 'slug', target: 'slug', transform: '  ' },
        { source: 'junk', target: null, transform: '$' },
      ])
    ).toEqual({
      Prix: { to: 'price', transform: "$number($replace($, ',', '.'))" },
      title: { to: 'title', transform: '$uppercase($)' },
      junk: null,
    });
  });

  it('reads transforms back from a saved mapping (a template), for the file and for the template form', () => {
    const saved = { Prix: { to: 'price', transform: '$number($)' }, Name: 'title' };
    expect(initialMapping(['Prix', 'Name', 'other'], ['price', 'title', 'other'], saved)).toEqual([
      { source: 'Prix', target: 'price', transform: '$number($)' },
      { source: 'Name', target: 'title' },
      { source: 'other', target: 'other' },
    ]);
    expect(fromFieldMapping(saved)).toEqual([
      { source: 'Prix', target: 'price', transform: '$number($)' },
      { source: 'Name', target: 'title' },
    ]);
  });

  it('computed fields: rows to the option and back, incomplete rows left out', () => {
    const rows = [
      { attribute: 'fullName', expression: " first & ' ' & last " },
      { attribute: '', expression: '"x"' },
      { attribute: 'notes', expression: '' },
    ];
    expect(toComputed(rows)).toEqual({ fullName: "first & ' ' & last" });
    expect(toComputed([])).toBeUndefined();
    expect(fromComputed({ fullName: 'a', bad: 1 })).toEqual([{ attribute: 'fullName', expression: 'a' }]);
    expect(fromComputed(null)).toEqual([]);
  });

  it("answers JSONata's complaint with its position, and tells whether any expression fails", () => {
    expect(transformError('$number($)')).toBeNull();
    expect(transformError('')).toBeNull();
    expect(transformError('$number(')).toMatch(/\(at character \d+\)$/);
    expect(hasTransformErrors([{ source: 'a', target: 'title', transform: '$(' }], [])).toBe(true);
    expect(hasTransformErrors([{ source: 'a', target: null, transform: '$(' }], [])).toBe(false);
    expect(hasTransformErrors([], [{ attribute: 'title', expression: '{' }])).toBe(true);
    expect(hasTransformErrors([{ source: 'a', target: 'title', transform: '$' }], [{ attribute: 'title', expression: '"x"' }])).toBe(false);
  });
});

describe('templates keep transforms', () => {
  it('a template with transforms and computed fields fills the form, which gives them back', () => {
    const fieldMapping = { Titel: { to: 'title', transform: '$trim($)' }, junk: null };
    const saved = template({ kind: 'import', contentType: 'api::article.article', options: { fieldMapping, computed: { slug: '$lowercase(Titel)' } } });
    const values = importValuesFromTemplate(saved);
    expect(values.mapping).toEqual([
      { source: 'Titel', target: 'title', transform: '$trim($)' },
      { source: 'junk', target: null },
    ]);
    expect(values.computed).toEqual([{ attribute: 'slug', expression: '$lowercase(Titel)' }]);
    const options = buildImportOptions(values, articleType);
    expect(options.fieldMapping).toEqual(fieldMapping);
    expect(options.computed).toEqual({ slug: '$lowercase(Titel)' });
  });

  it('refuses to go on with an expression that does not compile', () => {
    const values = importValuesFromTemplate(template({ kind: 'import', contentType: 'api::article.article', options: {} }));
    const file = new File(['{}'], 'a.json');
    expect(validateImportForm({ ...values, computed: [{ attribute: 'title', expression: '$x(' }] }, file).mapping).toBe('invalidTransform');
    expect(validateImportForm({ ...values, computed: [{ attribute: 'title', expression: '$x()' }] }, file).mapping).toBeUndefined();
  });
});
