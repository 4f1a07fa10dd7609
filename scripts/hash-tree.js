const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** A SHA-256 over the contents and relative paths of files and folders, for "is this build current?" checks. */
const hashTree = (root, entries, keep = () => true) => {
  const hash = crypto.createHash('sha256');
  const visit = (relative) => {
    const full = path.join(root, relative);
    if (!fs.existsSync(full)) return;
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visit(path.join(relative, name));
      }
    } else if (keep(relative)) {
      hash.update(relative);
      hash.update('\0');
      hash.update(fs.readFileSync(full));
      hash.update('\0');
    }
  };
  entries.forEach(visit);
  return hash.digest('hex');
};

module.exports = { hashTree };
