// Reads one window of a V8 CPU profile (node --cpu-prof): self and inclusive time by function.
// usage: node test/bench/profile-window.js <file.cpuprofile> <startUs> <endUs> [top]   (a phase's window: the bench JSON line's monotonicUs)
//        node test/bench/profile-window.js <file.cpuprofile> <start:end,start:end,...> [top]   (several windows: runsMonotonicUs)
const fs = require('fs');
const args = process.argv.slice(2);
const file = args[0];
const windows = args[1].includes(':') ? args[1].split(',').map((w) => w.split(':').map(Number)) : [[+args[1], +args[2]]];
const topN = (args[1].includes(':') ? args[2] : args[3]) ?? 45;
const inWindow = (time) => windows.some(([start, end]) => time >= start && time <= end);
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const self = new Map(); const incl = new Map();
let t = p.startTime; let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i];
  if (!inWindow(t)) continue;
  const dt = p.timeDeltas[i + 1] ?? 0;
  total += dt;
  const n = byId.get(p.samples[i]);
  const key = (x) => `${x.callFrame.functionName || '(anon)'} ${x.callFrame.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/dist\//, 'dist/')}:${x.callFrame.lineNumber + 1}`;
  self.set(key(n), (self.get(key(n)) || 0) + dt);
  const seen = new Set(); let id = n.id;
  while (id !== undefined) { const k = key(byId.get(id)); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) || 0) + dt); } id = parent.get(id); }
}
const show = (m, title) => { console.log(`== ${title} (total ${(total / 1000).toFixed(0)} ms)`); [...m].sort((a, b) => b[1] - a[1]).slice(0, +topN).forEach(([k, v]) => console.log(`${(v / 1000).toFixed(0).padStart(7)} ms ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`)); };
show(self, 'self'); show(incl, 'inclusive');
