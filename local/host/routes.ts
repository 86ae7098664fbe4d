/**
 * Azure Functions (ASP.NET Core) route templates: literal segments (case-insensitive), `{name}`, constraints
 * (`{id:guid}`, `{n:int:min(1)}`, `{s:regex(^a+$)}`...), optional `{name?}`, defaults `{name=value}`, catch-all
 * `{*rest}` / `{**rest}`, and segments mixing text and parameters (`{name}.{ext}`). Routes are tried in the host's
 * precedence order: literal segments before constrained parameters before plain parameters before catch-alls.
 */

type Constraint = (value: string) => boolean;

interface Param {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: Constraint[];
}

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; param: Param }
  | { kind: 'complex'; regex: RegExp; params: Param[] };

export interface CompiledRoute {
  template: string;
  segments: Segment[];
  /** Lower sorts first. */
  precedence: number[];
}

const GUID = /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i;

function constraintOf(spec: string, template: string): Constraint {
  const match = /^(\w+)(?:\((.*)\))?$/s.exec(spec);
  if (!match) throw new Error(`Route "${template}": cannot read the constraint "${spec}".`);
  const [, name, rawArgs] = match;
  const args = rawArgs === undefined ? [] : name === 'regex' ? [rawArgs] : rawArgs.split(',').map((a) => a.trim());
  const num = (i: number) => {
    const n = Number(args[i]);
    if (!Number.isFinite(n)) throw new Error(`Route "${template}": constraint "${spec}" needs numbers.`);
    return n;
  };
  const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));
  switch (name!.toLowerCase()) {
    case 'int':
      return (v) => /^[+-]?\d+$/.test(v) && Math.abs(Number(v)) <= 2 ** 31;
    case 'long':
      return (v) => /^[+-]?\d+$/.test(v);
    case 'bool':
      return (v) => /^(true|false)$/i.test(v);
    case 'decimal':
    case 'double':
    case 'float':
      return (v) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v);
    case 'guid':
      return (v) => GUID.test(v);
    case 'datetime':
      return (v) => !Number.isNaN(Date.parse(v));
    case 'alpha':
      return (v) => /^[a-z]+$/i.test(v);
    case 'required':
      return (v) => v.length > 0;
    case 'minlength': {
      const min = num(0);
      return (v) => v.length >= min;
    }
    case 'maxlength': {
      const max = num(0);
      return (v) => v.length <= max;
    }
    case 'length': {
      const min = num(0);
      const max = args.length > 1 ? num(1) : min;
      return (v) => v.length >= min && v.length <= max;
    }
    case 'min': {
      const min = num(0);
      return (v) => isNumber(v) && Number(v) >= min;
    }
    case 'max': {
      const max = num(0);
      return (v) => isNumber(v) && Number(v) <= max;
    }
    case 'range': {
      const min = num(0);
      const max = num(1);
      return (v) => isNumber(v) && Number(v) >= min && Number(v) <= max;
    }
    case 'regex': {
      const regex = new RegExp(args[0]!, 'i');
      return (v) => regex.test(v);
    }
    default:
      throw new Error(`Route "${template}": unknown constraint "${name}".`);
  }
}

function parseParam(body: string, template: string): Param {
  let text = body.trim();
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  let defaultValue: string | undefined;
  let optional = false;
  // Constraints may contain '=' or '?' inside parentheses: split on ':' outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  let name = parts.shift()!;
  const last = parts.length > 0 ? parts[parts.length - 1]! : undefined;
  const applyTail = (value: string, set: (v: string) => void) => {
    const eq = value.lastIndexOf('=');
    if (eq >= 0 && !value.slice(eq).includes(')')) {
      defaultValue = value.slice(eq + 1);
      value = value.slice(0, eq);
    }
    if (value.endsWith('?')) {
      optional = true;
      value = value.slice(0, -1);
    }
    set(value);
  };
  if (last !== undefined) applyTail(last, (v) => (parts[parts.length - 1] = v));
  else applyTail(name, (v) => (name = v));
  if (!/^\w+$/.test(name)) throw new Error(`Route "${template}": "${name}" is not a valid parameter name.`);
  return {
    name,
    optional,
    catchAll,
    defaultValue,
    constraints: parts.filter(Boolean).map((c) => constraintOf(c, template)),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileSegment(raw: string, template: string): Segment {
  const pieces: (string | Param)[] = [];
  let i = 0;
  let literal = '';
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === '{' && raw[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (ch === '}' && raw[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (ch === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < raw.length; j++) {
        if (raw[j] === '(') depth++;
        else if (raw[j] === ')') depth--;
        else if (raw[j] === '}' && depth === 0) break;
      }
      if (j >= raw.length) throw new Error(`Route "${template}": a "{" is not closed.`);
      if (literal) pieces.push(literal);
      literal = '';
      pieces.push(parseParam(raw.slice(i + 1, j), template));
      i = j + 1;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) pieces.push(literal);
  if (pieces.length === 1 && typeof pieces[0] === 'string') return { kind: 'literal', text: pieces[0] };
  if (pieces.length === 1) return { kind: 'param', param: pieces[0] as Param };
  const params = pieces.filter((p): p is Param => typeof p !== 'string');
  if (params.some((p) => p.catchAll))
    throw new Error(`Route "${template}": a catch-all parameter must be a whole segment.`);
  // Complex segments match right to left, as ASP.NET Core does: `{name}.{ext}` on a.b.c gives name a.b, ext c.
  const source = pieces
    .map((p, index) => (typeof p === 'string' ? escapeRegex(p) : index === pieces.length - 1 ? '(.+?)' : '(.+)'))
    .join('');
  return { kind: 'complex', regex: new RegExp(`^${source}$`, 'i'), params };
}

export function compileRoute(template: string): CompiledRoute {
  const clean = template.replace(/^\/+|\/+$/g, '');
  const segments = clean === '' ? [] : clean.split('/').map((raw) => compileSegment(raw, template));
  segments.forEach((segment, index) => {
    if (segment.kind === 'param' && segment.param.catchAll && index !== segments.length - 1) {
      throw new Error(`Route "${template}": a catch-all parameter must be the last segment.`);
    }
  });
  const precedence = segments.map((s) => {
    if (s.kind === 'literal') return 1;
    if (s.kind === 'complex') return 2;
    if (s.param.catchAll) return 5;
    if (s.param.optional || s.param.defaultValue !== undefined) return 4;
    return s.param.constraints.length > 0 ? 3 : 3.5;
  });
  return { template: clean, segments, precedence };
}

/** Sorts routes by the host's precedence (most specific first). */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const x = a.precedence[i] ?? 0;
    const y = b.precedence[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

function acceptParam(param: Param, value: string, out: Record<string, string>): boolean {
  if (!param.constraints.every((check) => check(value))) return false;
  out[param.name] = value;
  return true;
}

/** Route values of `path` (already without the route prefix), or undefined when the route does not match. */
export function matchRoute(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const clean = path.replace(/^\/+|\/+$/g, '');
  const rawParts = clean === '' ? [] : clean.split('/');
  let parts: string[];
  try {
    parts = rawParts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const params: Record<string, string> = {};
  const { segments } = route;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i];
    if (segment.kind === 'param' && segment.param.catchAll) {
      const rest = rawParts
        .slice(i)
        .map((p) => safeDecode(p))
        .join('/');
      if (rest === '') {
        if (segment.param.defaultValue !== undefined) params[segment.param.name] = segment.param.defaultValue;
        return params;
      }
      return acceptParam(segment.param, rest, params) ? params : undefined;
    }
    if (part === undefined || part === '') {
      // Missing trailing segments are fine only for optional/defaulted parameters.
      if (segment.kind !== 'param' || !(segment.param.optional || segment.param.defaultValue !== undefined))
        return undefined;
      if (segment.param.defaultValue !== undefined) params[segment.param.name] = segment.param.defaultValue;
      continue;
    }
    if (segment.kind === 'literal') {
      if (segment.text.toLowerCase() !== part.toLowerCase()) return undefined;
    } else if (segment.kind === 'param') {
      if (!acceptParam(segment.param, part, params)) return undefined;
    } else {
      const match = segment.regex.exec(part);
      if (!match) return undefined;
      for (let k = 0; k < segment.params.length; k++) {
        if (!acceptParam(segment.params[k]!, match[k + 1]!, params)) return undefined;
      }
    }
  }
  return parts.length <= segments.length ? params : undefined;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
