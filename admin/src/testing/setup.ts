import { configure } from '@testing-library/react';

/**
 * The admin tests wait for what the pages render after their requests (findBy..., waitFor). The default of one
 * second is too short on a machine busy with other work (a CI run beside the API tests): a slow render is not a
 * failure. A test that waits for something that never comes still fails, after ten seconds.
 */
configure({ asyncUtilTimeout: 10_000 });

// jsdom has no TextDecoder (browsers do): Node's, for the file heads decoded in the browser (shared/formats/encoding).
if (typeof globalThis.TextDecoder === 'undefined') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  globalThis.TextDecoder = require('node:util').TextDecoder as typeof TextDecoder;
}
