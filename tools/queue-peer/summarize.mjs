// node summarize.mjs results/….jsonl — median figures per (peer, tuning, jobs, processes,
// concurrency) as a Markdown table.
import { readFileSync } from 'node:fs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const groups = new Map();
for (const line of readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  const key = [r.peer, r.version, r.tuning, r.jobs, r.processes, r.concurrency].join('|');
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
console.log('| peer | tuning | jobs | processes × concurrency | runs | enqueue s | work s | jobs completed/s | first worker ready s | jobs/s after it | 1-min load (min–max) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const rs of groups.values()) {
  const r = rs[0];
  const m = (f) => median(rs.map(f));
  const loads = rs.map((x) => x.load_avg_at_start[0]);
  console.log(`| ${r.peer} ${r.version} | ${r.tuning} | ${r.jobs} | ${r.processes} × ${r.concurrency} | ${rs.length} | `
    + `${m((x) => x.enqueue_s).toFixed(3)} | ${m((x) => x.work_s).toFixed(2)} | ${Math.round(m((x) => x.jobs_completed_per_s))} | `
    + `${m((x) => x.first_ready_s).toFixed(2)} | ${Math.round(m((x) => x.jobs_per_s_after_first_ready))} | `
    + `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`);
}
