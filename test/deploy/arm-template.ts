/**
 * Reads the ARM template that `bicep build` compiled from bicep/main.bicep (dist/bicep/main.json, written by
 * scripts/bicep.mjs in `npm test`) and evaluates what can be known before a deployment: template expressions are
 * parsed and run for a given set of parameters, and everything that only exists at deployment time (reference(),
 * resource ids, environment()) stays a placeholder, {runtime}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const compiledTemplatePath = join(root, 'dist/bicep/main.json');

/** A value only known during a deployment. */
export const RUNTIME: unique symbol = Symbol('runtime');
export type Value = string | number | boolean | null | typeof RUNTIME | Value[] | { [key: string]: Value };

type Node =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string; optional: boolean }
  | { kind: 'index'; target: Node; index: Node };

export interface ArmTemplate {
  parameters?: Record<string, { type: string; defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { value: unknown }>;
}

export interface ArmResource {
  type: string;
  name: unknown;
  condition?: unknown;
  scope?: unknown;
  copy?: { name: string; count: unknown };
  properties?: Record<string, unknown> & {
    template?: ArmTemplate;
    parameters?: Record<string, { value: unknown } | string>;
  };
  [key: string]: unknown;
}

export function loadCompiledTemplate(): ArmTemplate | undefined {
  return existsSync(compiledTemplatePath)
    ? (JSON.parse(readFileSync(compiledTemplatePath, 'utf8')) as ArmTemplate)
    : undefined;
}

const KEYWORDS = new Map<string, boolean | null>([
  ['true', true],
  ['false', false],
  ['null', null],
]);

/** Parses the inside of a `[...]` template expression. */
function parseExpression(source: string): Node {
  let pos = 0;
  const skip = () => {
    while (source[pos] === ' ') pos++;
  };
  const fail = (what: string): never => {
    throw new Error(`ARM expression: ${what} at ${pos} in ${source}`);
  };
  const primary = (): Node => {
    skip();
    const c = source[pos];
    if (c === "'") {
      let value = '';
      pos++;
      for (;;) {
        if (pos >= source.length) fail('unterminated string');
        if (source[pos] === "'") {
          if (source[pos + 1] === "'") {
            value += "'";
            pos += 2;
            continue;
          }
          pos++;
          break;
        }
        value += source[pos++];
      }
      return { kind: 'literal', value };
    }
    const number = /^-?\d+/.exec(source.slice(pos));
    if (number) {
      pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(source.slice(pos));
    if (!name) return fail('expected a value');
    pos += name[0].length;
    skip();
    if (KEYWORDS.has(name[0])) {
      const keyword = KEYWORDS.get(name[0])!;
      if (source.startsWith('()', pos)) pos += 2; // true(), false() and null() are functions too
      return { kind: 'literal', value: keyword };
    }
    if (source[pos] !== '(') return fail(`expected ( after ${name[0]}`);
    pos++;
    const args: Node[] = [];
    skip();
    while (source[pos] !== ')') {
      args.push(expression());
      skip();
      if (source[pos] === ',') pos++;
      else if (source[pos] !== ')') fail('expected , or )');
    }
    pos++;
    return { kind: 'call', name: name[0], args };
  };
  const expression = (): Node => {
    let node = primary();
    for (;;) {
      skip();
      if (source[pos] === '.' || (source[pos] === '?' && source[pos + 1] === '.')) {
        const optional = source[pos] === '?';
        pos += optional ? 2 : 1;
        const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(pos)) ?? fail('expected a property name');
        pos += name[0].length;
        node = { kind: 'property', target: node, name: name[0], optional };
      } else if (source[pos] === '[') {
        pos++;
        const index = expression();
        skip();
        if (source[pos] !== ']') fail('expected ]');
        pos++;
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  };
  const node = expression();
  skip();
  if (pos !== source.length) fail('trailing characters');
  return node;
}

export interface Scope {
  parameters: Record<string, Value>;
  variables: Record<string, unknown>;
  copyIndex?: number;
  lambda?: Record<string, Value>;
}

const isRuntime = (v: unknown): v is typeof RUNTIME => v === RUNTIME;
const text = (v: Value): string => (isRuntime(v) ? '{runtime}' : typeof v === 'string' ? v : JSON.stringify(v));

/** Functions whose result is only known during a deployment. */
const RUNTIME_FUNCTIONS = new Set([
  'reference',
  'tenantResourceId',
  'resourceGroup',
  'subscription',
  'tenant',
  'deployment',
  'environment',
  'uniqueString',
  'guid',
  'listKeys',
  'utcNow',
  'newGuid',
]);

function call(name: string, args: Node[], scope: Scope): Value {
  const lower = name.toLowerCase();
  const arg = (i: number) => evaluateNode(args[i]!, scope);
  const all = () => args.map((a) => evaluateNode(a, scope));
  switch (lower) {
    case 'parameters': {
      const key = arg(0) as string;
      if (!(key in scope.parameters)) throw new Error(`parameter ${key} has no value`);
      return scope.parameters[key]!;
    }
    case 'variables':
      return evaluate(scope.variables[arg(0) as string], scope);
    case 'if': {
      const condition = arg(0);
      if (isRuntime(condition)) return RUNTIME;
      return condition ? arg(1) : arg(2);
    }
    case 'equals': {
      const [a, b] = all();
      return isRuntime(a) || isRuntime(b) ? RUNTIME : JSON.stringify(a) === JSON.stringify(b);
    }
    case 'not': {
      const a = arg(0);
      return isRuntime(a) ? RUNTIME : !a;
    }
    case 'and':
    case 'or': {
      const values = all();
      if (lower === 'and' && values.some((v) => v === false)) return false;
      if (lower === 'or' && values.some((v) => v === true)) return true;
      return values.some(isRuntime) ? RUNTIME : lower === 'and';
    }
    case 'empty': {
      const a = arg(0);
      if (isRuntime(a)) return RUNTIME;
      if (a === null || a === '') return true;
      if (Array.isArray(a)) return a.length === 0;
      return typeof a === 'object' ? Object.keys(a).length === 0 : false;
    }
    case 'createobject': {
      const out: Record<string, Value> = {};
      for (let i = 0; i < args.length; i += 2) out[text(arg(i))] = arg(i + 1);
      return out;
    }
    case 'createarray':
      return all();
    case 'union': {
      const values = all();
      if (values.some(isRuntime)) return RUNTIME;
      if (values.every(Array.isArray))
        return [...new Set(values.flat().map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as Value);
      return Object.assign({}, ...values) as Value;
    }
    case 'concat': {
      const values = all();
      if (values.every(Array.isArray)) return values.flat();
      return values.map(text).join('');
    }
    case 'format': {
      const [pattern, ...rest] = all();
      return text(pattern!).replace(/\{(\d+)\}/g, (_, i: string) => text(rest[Number(i)]!));
    }
    case 'tolower':
      return isRuntime(arg(0)) ? RUNTIME : text(arg(0)).toLowerCase();
    case 'length': {
      const a = arg(0);
      if (isRuntime(a)) return RUNTIME;
      return Array.isArray(a) || typeof a === 'string' ? a.length : Object.keys(a ?? {}).length;
    }
    case 'contains': {
      const [a, b] = all();
      if (isRuntime(a) || isRuntime(b)) return RUNTIME;
      if (Array.isArray(a)) return a.some((x) => JSON.stringify(x) === JSON.stringify(b));
      if (typeof a === 'string') return a.includes(text(b!));
      return typeof a === 'object' && a !== null && text(b!) in a;
    }
    case 'trystrget':
    case 'tryget': {
      const [target, ...keys] = all();
      let v: Value | undefined = target;
      for (const key of keys) {
        if (isRuntime(v)) return RUNTIME;
        if (v === null || v === undefined || typeof v !== 'object') return null;
        v = (v as Record<string, Value>)[text(key!)];
      }
      return v ?? null;
    }
    case 'coalesce': {
      for (const v of all()) if (v !== null && v !== undefined) return v;
      return null;
    }
    case 'copyindex':
      if (scope.copyIndex === undefined) throw new Error('copyIndex() outside a loop');
      return scope.copyIndex + (args.length ? (arg(args.length - 1) as number) : 0);
    case 'lambda':
      throw new Error('lambda outside map/filter');
    case 'lambdavariables':
      return scope.lambda?.[arg(0) as string] ?? fail(`lambda variable ${text(arg(0))}`);
    case 'map':
    case 'filter': {
      const items = arg(0);
      if (isRuntime(items)) return RUNTIME;
      const fn = args[1]!;
      if (fn.kind !== 'call' || fn.name !== 'lambda') throw new Error(`${name} without a lambda`);
      const variable = evaluateNode(fn.args[0]!, scope) as string;
      const apply = (item: Value) =>
        evaluateNode(fn.args[1]!, { ...scope, lambda: { ...scope.lambda, [variable]: item } });
      const list = items as Value[];
      return lower === 'map' ? list.map(apply) : list.filter((item) => apply(item) === true);
    }
    case 'items': {
      const a = arg(0);
      if (isRuntime(a)) return RUNTIME;
      return Object.entries(a as Record<string, Value>).map(([key, value]) => ({ key, value }));
    }
    case 'json':
      return isRuntime(arg(0)) ? RUNTIME : (JSON.parse(text(arg(0))) as Value);
    case 'string':
      return isRuntime(arg(0)) ? RUNTIME : text(arg(0));
    case 'resourceid':
    case 'subscriptionresourceid':
    case 'extensionresourceid': {
      // A readable stand-in: the resource type and names, with {runtime} for what is only known when deploying.
      const parts = all().map(text);
      if (lower === 'extensionresourceid') parts.shift();
      const typeAt = parts.findIndex((p) => /^[A-Za-z]+\.[A-Za-z.]+\//.test(p));
      return `/providers/${parts.slice(Math.max(typeAt, 0)).join('/')}`;
    }
    case 'split':
    case 'replace':
    case 'endswith':
    case 'startswith':
    case 'substring':
    case 'take':
    case 'first':
    case 'last':
      return RUNTIME;
    default:
      if (RUNTIME_FUNCTIONS.has(name) || RUNTIME_FUNCTIONS.has(lower)) return RUNTIME;
      throw new Error(`ARM function ${name}() is not understood here`);
  }
}

function fail(what: string): never {
  throw new Error(what);
}

function evaluateNode(node: Node, scope: Scope): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'call':
      return call(node.name, node.args, scope);
    case 'property': {
      const target = evaluateNode(node.target, scope);
      if (isRuntime(target)) return RUNTIME;
      if (target === null || typeof target !== 'object') {
        if (node.optional) return null;
        throw new Error(`.${node.name} of ${JSON.stringify(target)}`);
      }
      return (target as Record<string, Value>)[node.name] ?? null;
    }
    case 'index': {
      const target = evaluateNode(node.target, scope);
      const index = evaluateNode(node.index, scope);
      if (isRuntime(target) || isRuntime(index)) return RUNTIME;
      return (target as Record<string, Value>)[index as string] ?? null;
    }
  }
}

/** Evaluates a template value: `[expr]` strings are expressions, objects and arrays are evaluated member by member. */
function evaluate(value: unknown, scope: Scope): Value {
  if (typeof value === 'string') {
    if (value.startsWith('[[')) return value.slice(1);
    if (value.startsWith('[') && value.endsWith(']')) return evaluateNode(parseExpression(value.slice(1, -1)), scope);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope)]));
  }
  return value as Value;
}

export function resourceList(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

/** A template with the parameter values it is deployed with (defaults filled in). */
export interface Deployment {
  template: ArmTemplate;
  scope: Scope;
}

export function deployment(template: ArmTemplate, given: Record<string, Value>): Deployment {
  const parameters: Record<string, Value> = {};
  const scope: Scope = { parameters, variables: template.variables ?? {} };
  for (const [name, def] of Object.entries(template.parameters ?? {})) {
    if (name in given) parameters[name] = given[name]!;
    else if ('defaultValue' in def) parameters[name] = evaluate(def.defaultValue, scope);
    else throw new Error(`parameter ${name} needs a value`);
  }
  return { template, scope };
}

/** The module (nested deployment) of that name, with the parameter values the parent passes it. */
export function moduleDeployment(parent: Deployment, name: string): Deployment {
  const resource = resourceList(parent.template).find(
    (r) => r.type === 'Microsoft.Resources/deployments' && r.name === name,
  );
  if (!resource?.properties?.template) throw new Error(`no module "${name}"`);
  const given: Record<string, Value> = {};
  // Each entry is { value } or an expression that yields one (Bicep writes `[if(c, createObject('value', a), ...)]`).
  for (const [key, entry] of Object.entries(resource.properties.parameters ?? {})) {
    const evaluated = evaluate(entry, parent.scope);
    if (evaluated === RUNTIME || evaluated === null || typeof evaluated !== 'object' || !('value' in evaluated))
      throw new Error(`module ${name}: parameter ${key} has no value`);
    given[key] = evaluated.value!;
  }
  return deployment(resource.properties.template, given);
}

/** Whether a module or resource is deployed at all with these parameters (its `condition`). */
export function isDeployed(parent: Deployment, resource: ArmResource): Value {
  return resource.condition === undefined ? true : evaluate(resource.condition, parent.scope);
}

/** Every instance of the resources of one type in a deployment, with their properties evaluated (loops unrolled). */
export function resourcesOfType(
  d: Deployment,
  type: string,
): { name: Value; body: Record<string, Value>; raw: ArmResource }[] {
  const out: { name: Value; body: Record<string, Value>; raw: ArmResource }[] = [];
  for (const resource of resourceList(d.template).filter((r) => r.type === type)) {
    const count = resource.copy ? (evaluate(resource.copy.count, d.scope) as number) : undefined;
    const indexes = count === undefined ? [undefined] : [...Array(count).keys()];
    for (const copyIndex of indexes) {
      const scope = { ...d.scope, copyIndex };
      if (resource.condition !== undefined && evaluate(resource.condition, scope) === false) continue;
      out.push({
        name: evaluate(resource.name, scope),
        body: evaluate(resource, scope) as Record<string, Value>,
        raw: resource,
      });
    }
  }
  return out;
}

/** Each instance of a module (loops unrolled) that is deployed with these parameters, with the parameter values the
 * parent passes it. `name` is the module's deployment name, or a prefix of it for a loop. */
export function moduleInstances(
  parent: Deployment,
  name: string,
): { name: Value; parameters: Record<string, Value> }[] {
  const out: { name: Value; parameters: Record<string, Value> }[] = [];
  for (const resource of resourceList(parent.template).filter((r) => r.type === 'Microsoft.Resources/deployments')) {
    const count = resource.copy ? (evaluate(resource.copy.count, parent.scope) as number) : undefined;
    for (const copyIndex of count === undefined ? [undefined] : [...Array(count).keys()]) {
      const scope = { ...parent.scope, copyIndex };
      const instanceName = evaluate(resource.name, scope);
      if (typeof instanceName !== 'string' || !(instanceName === name || instanceName.startsWith(`${name}-`))) continue;
      if (resource.condition !== undefined && evaluate(resource.condition, scope) === false) continue;
      const parameters: Record<string, Value> = {};
      for (const [key, entry] of Object.entries(resource.properties?.parameters ?? {}))
        parameters[key] = (evaluate(entry, scope) as { value: Value }).value;
      out.push({ name: instanceName, parameters });
    }
  }
  return out;
}

/** Every resource of every template, nested ones included, as written (unevaluated). */
export function allResources(template: ArmTemplate): ArmResource[] {
  return resourceList(template).flatMap((r) => [
    r,
    ...(r.properties?.template ? allResources(r.properties.template) : []),
  ]);
}
