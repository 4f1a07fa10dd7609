import { csvFormat } from '.';
import { bytes } from '../test-streams';

describe('csv format: sniffing', () => {
  it('recognises delimited text, not JSON or binary', () => {
    expect(csvFormat.detect(bytes('documentId,title\nabc,Hello\n'))).toBe(true);
    expect(csvFormat.detect(bytes('title\n'))).toBe(true);
    expect(csvFormat.detect(bytes('[{"a":1}]'))).toBe(false);
    expect(csvFormat.detect(bytes('{"a":1}'))).toBe(false);
    expect(csvFormat.detect(bytes('PK\u0003\u0004\u0000\u0000'))).toBe(false);
    expect(csvFormat.detect(bytes('  \n'))).toBe(false);
    expect(csvFormat.detect(bytes('t\u0000i\u0000t\u0000l\u0000e\u0000\n\u0000'))).toBe(false); // UTF-16 text
  });

  it('takes a NUL in a later cell as data (the importer judges the value)', () => {
    expect(csvFormat.detect(bytes('code,note\nx,"a\u0000b"\n'))).toBe(true);
  });
});
