const Sequencer = require('@jest/test-sequencer').default;

/**
 * Jest's own order (failed first, then slowest first, from its cache), except for the browser test files: they
 * share one playground (global-setup.js), and admin.e2e.ts registers its first admin and checks the empty center,
 * so it runs first; the other browser files (which sign in, registering only when no admin exists yet) follow in
 * name order. (Jest takes one sequencer for every project.)
 */
const isBrowserTest = (test) => test.path.endsWith('.e2e.ts');
const rank = (test) => (test.path.endsWith('admin.e2e.ts') ? 0 : 1);

class CenterSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const browser = sorted.filter(isBrowserTest).sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
    let next = 0;
    return sorted.map((test) => (isBrowserTest(test) ? browser[next++] : test));
  }
}

module.exports = CenterSequencer;
