import { errorMessageOfBlob, fileNameFromDisposition, saveBlob } from './download';

describe('fileNameFromDisposition', () => {
  it.each([
    ['attachment; filename="articles.json"', 'articles.json'],
    ['attachment; filename=articles.csv', 'articles.csv'],
    ["attachment; filename=\"fallback.json\"; filename*=UTF-8''r%C3%A9sum%C3%A9.json", 'résumé.json'],
    ['attachment; filename="with \\"quotes\\".json"', 'with "quotes".json'],
    ['attachment', null],
    [null, null],
    [undefined, null],
  ])('%s → %s', (header, name) => {
    expect(fileNameFromDisposition(header)).toBe(name);
  });
});

describe('errorMessageOfBlob', () => {
  it("reads Strapi's error message", async () => {
    const blob = new Blob([JSON.stringify({ data: null, error: { status: 404, message: 'Task 9 not found' } })]);
    expect(await errorMessageOfBlob(blob)).toBe('Task 9 not found');
  });

  it('is null for anything else', async () => {
    expect(await errorMessageOfBlob(new Blob(['<html>']))).toBeNull();
    expect(await errorMessageOfBlob(new Blob(['{"error":{}}']))).toBeNull();
  });
});

describe('saveBlob', () => {
  it('hands the blob to the browser through an object URL and a download link', () => {
    const createObjectURL = jest.fn(() => 'blob:file');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('out.json');
      expect(this.href).toBe('blob:file');
    });
    jest.useFakeTimers();
    saveBlob(new Blob(['{}']), 'out.json');
    expect(click).toHaveBeenCalledTimes(1);
    expect(document.querySelector('a[download]')).toBeNull();
    jest.runAllTimers();
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:file');
    jest.useRealTimers();
    click.mockRestore();
  });
});
