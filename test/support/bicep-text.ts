/**
 * Just enough of Bicep's syntax to cross-check bicep/ against the code without the Bicep CLI: a tokenizer, the
 * top-level keys of an object literal (app settings), a parser for plain literal values (container list), and the
 * parameters and module calls of a file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

type Token =
  | {
      kind: 'punct';
      value: '{' | '}' | '[' | ']' | '(' | ')' | ':' | ',' | '?' | '.' | '=' | '@' | '!' | 'op';
      at: number;
    }
  | { kind: 'string'; value: string; interpolated: boolean; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'ident'; value: string; at: number }
  | { kind: 'newline'; at: number };

const PUNCT = new Set(['{', '}', '[', ']', '(', ')', ':', ',', '?', '.', '=', '@', '!']);

/** Splits Bicep source into tokens; comments are dropped, newlines kept (they separate properties). */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      tokens.push({ kind: 'newline', at: i });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`unterminated comment at ${i}`);
      i = end + 2;
    } else if (source.startsWith("'''", i)) {
      const end = source.indexOf("'''", i + 3);
      if (end < 0) throw new Error(`unterminated multi-line string at ${i}`);
      tokens.push({ kind: 'string', value: source.slice(i + 3, end), interpolated: false, at: i });
      i = end + 3;
    } else if (c === "'") {
      let value = '';
      let interpolated = false;
      let j = i + 1;
      for (;;) {
        const d = source[j];
        if (d === undefined || d === '\n') throw new Error(`unterminated string at ${i}`);
        if (d === '\\') {
          value += source[j + 1];
          j += 2;
        } else if (d === '$' && source[j + 1] === '{') {
          interpolated = true;
          let depth = 0;
          while (j < source.length) {
            const e = source[j]!;
            value += e;
            j++;
            if (e === '{') depth++;
            if (e === '}' && --depth === 0) break;
          }
        } else if (d === "'") {
          j++;
          break;
        } else {
          value += d;
          j++;
        }
      }
      tokens.push({ kind: 'string', value, interpolated, at: i });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'ident', value: m[0], at: i });
      i += m[0].length;
    } else if (PUNCT.has(c) && !(c === '=' && source[i + 1] === '=') && !(c === '!' && source[i + 1] === '=')) {
      tokens.push({ kind: 'punct', value: c as '{', at: i });
      i++;
    } else {
      // Operators (==, !=, &&, ||, <, >, +, -, *, /, %, ??) matter to no check here.
      const m = /^(==|!=|&&|\|\||\?\?|<=|>=|[<>+\-*/%])/.exec(source.slice(i));
      if (!m) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
      tokens.push({ kind: 'punct', value: 'op', at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

const OPEN = new Set(['{', '[', '(']);
const CLOSE = new Set(['}', ']', ')']);

/** Index of the token that closes the bracket opened at `start`. */
function matchingClose(tokens: Token[], start: number): number {
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (OPEN.has(t.value)) depth++;
    if (CLOSE.has(t.value) && --depth === 0) return i;
  }
  throw new Error('unbalanced brackets');
}

/** Tokens of the value of `var <name> = ...` (from its opening bracket to the matching close), or undefined. */
function varValue(tokens: Token[], name: string): Token[] | undefined {
  for (let i = 0; i + 3 < tokens.length; i++) {
    const [a, b, c, d] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!, tokens[i + 3]!];
    if (
      a.kind === 'ident' &&
      a.value === 'var' &&
      b.kind === 'ident' &&
      b.value === name &&
      c.kind === 'punct' &&
      c.value === '='
    ) {
      if (d.kind !== 'punct' || !OPEN.has(d.value)) throw new Error(`var ${name} is not a literal object or array`);
      return tokens.slice(i + 3, matchingClose(tokens, i + 3) + 1);
    }
  }
  return undefined;
}

/** Top-level property names of the object literal `var <name> = { ... }` (values may be any expression). */
export function objectKeys(source: string, name: string): string[] | undefined {
  const tokens = varValue(tokenize(source), name);
  return tokens && topLevelKeys(tokens);
}

/** Properties of `var <name> = { ... }` whose value is a plain string (no expression, no interpolation). */
export function objectStringValues(source: string, name: string): Record<string, string> | undefined {
  const tokens = varValue(tokenize(source), name);
  if (!tokens) return undefined;
  const out: Record<string, string> = {};
  for (const key of topLevelKeys(tokens)) {
    const at = tokens.findIndex(
      (t, i) =>
        (t.kind === 'ident' || t.kind === 'string') &&
        t.value === key &&
        tokens[i + 1]?.kind === 'punct' &&
        (tokens[i + 1] as { value: string }).value === ':',
    );
    const value = tokens[at + 2];
    const after = tokens[at + 3];
    const ends = after?.kind === 'newline' || (after?.kind === 'punct' && (after.value === ',' || after.value === '}'));
    if (value?.kind === 'string' && !value.interpolated && ends) out[key] = value.value;
  }
  return out;
}

export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

/** Parses `var <name> = <literal>` where the literal holds only strings, numbers, booleans, null, arrays and objects. */
export function literalValue(source: string, name: string): Literal | undefined {
  const tokens = varValue(tokenize(source), name)?.filter((t) => t.kind !== 'newline');
  if (!tokens) return undefined;
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`var ${name}: ${what} at token ${pos}`);
  };
  const parse = (): Literal => {
    const t = tokens[pos++] ?? fail('unexpected end');
    if (t.kind === 'string') return t.interpolated ? fail('interpolated string') : t.value;
    if (t.kind === 'number') return t.value;
    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false') return t.value === 'true';
      if (t.value === 'null') return null;
      return fail(`expression ${t.value}`);
    }
    if (t.value === '[') {
      const items: Literal[] = [];
      while (!(tokens[pos]?.kind === 'punct' && tokens[pos]!.value === ']')) {
        if (tokens[pos]?.kind === 'punct' && tokens[pos]!.value === ',') pos++;
        else items.push(parse());
      }
      pos++;
      return items;
    }
    if (t.value === '{') {
      const out: Record<string, Literal> = {};
      while (!(tokens[pos]?.kind === 'punct' && tokens[pos]!.value === '}')) {
        const key = tokens[pos++] ?? fail('unexpected end');
        if (key.kind === 'punct' && key.value === ',') continue;
        if (key.kind !== 'ident' && key.kind !== 'string') fail('expected a property name');
        const colon = tokens[pos++];
        if (colon?.kind !== 'punct' || colon.value !== ':') fail('expected ":"');
        out[(key as { value: string }).value] = parse();
      }
      pos++;
      return out;
    }
    return fail(`unexpected "${t.value}"`);
  };
  const value = parse();
  if (pos !== tokens.length) fail('trailing tokens');
  return value;
}

export interface BicepParam {
  name: string;
  hasDefault: boolean;
  decorators: string[];
}

/** The `param` declarations of a file with their decorator names (`description`, `secure`, `allowed`, ...). */
export function params(source: string): BicepParam[] {
  const tokens = tokenize(source);
  const out: BicepParam[] = [];
  let decorators: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const atLineStart = i === 0 || tokens[i - 1]!.kind === 'newline';
    if (t.kind === 'punct' && t.value === '@' && atLineStart) {
      const name = tokens[i + 1];
      if (name?.kind === 'ident') decorators.push(name.value);
      const open = tokens[i + 2];
      if (open?.kind === 'punct' && open.value === '(') i = matchingClose(tokens, i + 2);
      continue;
    }
    if (t.kind === 'ident' && t.value === 'param' && atLineStart) {
      const name = tokens[i + 1];
      if (name?.kind !== 'ident') throw new Error(`param without a name at ${t.at}`);
      let j = i + 2;
      let hasDefault = false;
      for (; j < tokens.length && tokens[j]!.kind !== 'newline'; j++) {
        const u = tokens[j]!;
        if (u.kind === 'punct' && u.value === '=') hasDefault = true;
        if (u.kind === 'punct' && OPEN.has(u.value)) j = matchingClose(tokens, j);
      }
      out.push({ name: name.value, hasDefault, decorators });
      decorators = [];
      i = j;
      continue;
    }
    // Any other statement ends the decorators that were waiting for a param.
    if (atLineStart && t.kind !== 'newline') decorators = [];
  }
  return out;
}

export interface ModuleCall {
  symbol: string;
  path: string;
  paramNames: string[];
}

/** `module <symbol> '<path>' = { params: { ... } }` calls of a file, with the parameter names they pass. */
export function moduleCalls(source: string): ModuleCall[] {
  const tokens = tokenize(source);
  const out: ModuleCall[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [a, b, c] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (!(a.kind === 'ident' && a.value === 'module' && b.kind === 'ident' && c.kind === 'string')) continue;
    let j = i + 3;
    while (j < tokens.length && !(tokens[j]!.kind === 'punct' && (tokens[j] as { value: string }).value === '{')) j++;
    const end = matchingClose(tokens, j);
    const body = tokens.slice(j, end + 1);
    let paramNames: string[] = [];
    for (let k = 0; k + 2 < body.length; k++) {
      const [p, q, r] = [body[k]!, body[k + 1]!, body[k + 2]!];
      if (
        p.kind === 'ident' &&
        p.value === 'params' &&
        q.kind === 'punct' &&
        q.value === ':' &&
        r.kind === 'punct' &&
        r.value === '{'
      ) {
        const inner = body.slice(k + 2, matchingClose(body, k + 2) + 1);
        paramNames = topLevelKeys(inner);
        break;
      }
    }
    out.push({ symbol: b.value, path: c.value, paramNames });
    i = end;
  }
  return out;
}

function topLevelKeys(tokens: Token[]): string[] {
  const keys: string[] = [];
  let depth = 0;
  let lineStart = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && OPEN.has(t.value)) {
      depth++;
      lineStart = depth === 1;
      continue;
    }
    if (t.kind === 'punct' && CLOSE.has(t.value)) {
      depth--;
      continue;
    }
    if (depth === 1 && (t.kind === 'newline' || (t.kind === 'punct' && t.value === ','))) {
      lineStart = true;
      continue;
    }
    const next = tokens[i + 1];
    if (
      depth === 1 &&
      lineStart &&
      (t.kind === 'ident' || t.kind === 'string') &&
      next?.kind === 'punct' &&
      next.value === ':'
    ) {
      keys.push(t.value);
    }
    lineStart = false;
  }
  return keys;
}

/** Every `.bicep` file under a folder, as { path, source }. */
export function bicepFiles(dir: string): { path: string; source: string }[] {
  const out: { path: string; source: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...bicepFiles(path));
    else if (entry.name.endsWith('.bicep')) out.push({ path, source: readFileSync(path, 'utf8') });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
