import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPackageRoot, readShippedTemplates, shippedTemplatesDir } from './shipped-templates';

describe('shipped templates', () => {
  it("reads every file of the package's templates/ folder, read-only, with shipped: ids", () => {
    const dir = shippedTemplatesDir();
    expect(dir).toBe(path.resolve(__dirname, '../../../templates'));
    const { templates, problems } = readShippedTemplates(dir);
    expect(problems).toEqual([]);
    expect(templates.map((template) => [template.id, template.kind, template.contentType])).toEqual([
      ['shipped:articles-by-slug', 'import', 'api::article.article'],
      ['shipped:categories-seed-file', 'export', 'api::category.category'],
      ['shipped:contacts-from-a-spreadsheet', 'import', 'api::contact.contact'],
      ['shipped:published-articles-as-csv', 'export', 'api::article.article'],
      ['shipped:whole-content-model', 'bundle', ''],
    ]);
    for (const template of templates) {
      expect(template).toMatchObject({ readOnly: true, createdAt: null, updatedAt: null });
      expect(template.description).toEqual(expect.any(String));
    }
  });

  it('leaves out, and names, a file that is not a valid template', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-shipped-'));
    try {
      const write = (name: string, value: unknown) =>
        fs.writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
      const valid = { name: 'Tags', kind: 'export', contentType: 'api::tag.tag', options: { format: 'jsonl' } };
      write('a-valid.json', valid);
      write('b-same-name.json', valid);
      write('c-not-json.json', '{ nope');
      write('d-no-kind.json', { name: 'x', contentType: 'api::tag.tag' });
      write('e-unknown-option.json', { ...valid, name: 'Other', options: { format: 'jsonl', matchBy: 'name' } });
      write('f-template-id.json', { ...valid, name: 'Chained', options: { templateId: 3 } });
      write('Upper Case.json', { ...valid, name: 'Upper' });
      write('notes.txt', 'not a template');
      fs.mkdirSync(path.join(dir, 'batch-files'));
      write('batch-files/01-tags.json', valid);

      const { templates, problems } = readShippedTemplates(dir);
      expect(templates.map((template) => template.id)).toEqual(['shipped:a-valid']);
      expect(problems).toEqual([
        expect.stringMatching(/^Upper Case\.json: the file name must be lower-case letters, digits and dashes$/),
        'b-same-name.json: another shipped export template is named "Tags"',
        expect.stringMatching(/^c-not-json\.json: .*JSON/),
        expect.stringMatching(/^d-no-kind\.json: kind is a required field$/),
        expect.stringMatching(/^e-unknown-option\.json: .*matchBy/),
        'f-template-id.json: options.templateId: a template cannot name another one',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds no templates without a folder', () => {
    expect(readShippedTemplates(null)).toEqual({ templates: [], problems: [] });
    expect(readShippedTemplates(path.join(os.tmpdir(), 'dmc-does-not-exist'))).toEqual({ templates: [], problems: [] });
    expect(findPackageRoot(os.tmpdir())).toBeNull();
  });
});
