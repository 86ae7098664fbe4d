// Checks the architecture rules of `.dependency-cruiser.cjs` on every import of the app, the local runtime and the
// web app, and one rule dependency-cruiser cannot express: the context folders of shared/ depend on each other
// without cycles (a cycle through different files of two folders is still a cycle between the contexts).
// Prints each violation and exits 1 when there is any.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs'));
const tsConfig = extractTSConfig(join(root, 'tsconfig.json'));
const result = await cruise(
  ['shared', 'functions', 'local', 'web/src'],
  { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } },
  undefined,
  { tsConfig },
);
const output = result.output;

const problems = output.summary.violations.map((v) => {
  const via = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name ?? c).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
});

// Context folders: shared/<context>/... A folder-level edge exists when any file of one imports any file of the other.
const contextOf = (path) => /^shared\/([^/]+)\//.exec(path)?.[1];
const edges = new Map();
for (const module of output.modules) {
  const from = contextOf(module.source);
  if (!from) continue;
  for (const dep of module.dependencies) {
    const to = contextOf(dep.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} → ${dep.resolved}`);
  }
}
// Strongly connected groups of contexts (Tarjan); each group of two or more is reported with one cycle through it.
const contexts = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].sort();
const index = new Map();
const low = new Map();
const stack = [];
let counter = 0;
const groups = [];
const visit = (node) => {
  index.set(node, counter);
  low.set(node, counter++);
  stack.push(node);
  for (const next of edges.get(node)?.keys() ?? []) {
    if (!index.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (stack.includes(next)) low.set(node, Math.min(low.get(node), index.get(next)));
  }
  if (low.get(node) === index.get(node)) {
    const group = [];
    let member;
    do {
      member = stack.pop();
      group.push(member);
    } while (member !== node);
    if (group.length > 1) groups.push(group.sort());
  }
};
for (const context of contexts) if (!index.has(context)) visit(context);
const cycleThrough = (group) => {
  // Shortest way back to the first member, walking only inside the group.
  const start = group[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!group.includes(next)) continue;
      if (next === start) {
        const path = [node];
        for (let at = previous.get(node); at; at = previous.get(at)) path.unshift(at);
        return [...path, start].map((c, i, all) => (i === 0 ? c : `${c} (${edges.get(all[i - 1]).get(c)})`));
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return group;
};
for (const group of groups)
  problems.push(`context-cycle between ${group.join(', ')}: ${cycleThrough(group).join('\n      → ')}`);

if (problems.length > 0) {
  console.error(
    `Architecture rules broken (${problems.length}); see docs/architecture.md:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `architecture: ${output.summary.totalCruised} modules, ${output.summary.totalDependenciesCruised} imports, rules hold`,
);
