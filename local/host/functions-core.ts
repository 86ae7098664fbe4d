/**
 * Provides `@azure/functions-core` to the hosted app, the way the Node worker does: a proxy on
 * `Module.prototype.require` answers that one module name with the runtime's own implementation, so the app's
 * unchanged `@azure/functions` registers its functions, hooks and programming model here. No package is installed.
 *
 * Startup order (as the worker's `startApp`): install → load the app → `appStart` hooks → `lock()` → capabilities.
 */
import Module from 'node:module';
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export type CoreLogHandler = (
  level: RpcLogLevel,
  category: RpcLogCategory,
  message: string,
  functionName?: string,
) => void;

const HOOK_NAMES: HookName[] = ['preInvocation', 'postInvocation', 'appStart', 'appTerminate', 'log'];

/** Registrations captured from the hosted app. One per process (the app is loaded once). */
export class FunctionsCore {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<HookName, HookCallback[]>(HOOK_NAMES.map((name) => [name, []]));
  /** Shared by every hook of the app (the worker's `appHookData`). */
  readonly appHookData: Record<string, unknown> = {};
  /** Shared by appStart/appTerminate hooks only. */
  readonly appLevelOnlyHookData: Record<string, unknown> = {};
  programmingModel: ProgrammingModel | undefined;
  #locked = false;
  logHandler: CoreLogHandler = (level, category, message) => {
    if (level === 'debug' || level === 'trace' || level === 'none') return;
    console.log(`[${category}] ${message}`);
  };

  get locked(): boolean {
    return this.#locked;
  }

  /** After start, registrations are refused (the real worker does the same). */
  lock(): void {
    this.#locked = true;
  }

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.#locked) {
      throw new Error(
        `A function can only be registered during app startup (tried to register "${metadata?.name}" after the app started).`,
      );
    }
    if (!metadata || typeof metadata.name !== 'string' || !metadata.name) throw new Error('A function needs a name.');
    if (typeof callback !== 'function') throw new Error(`Function "${metadata.name}" has no handler.`);
    const functionId = metadata.functionId || metadata.name;
    if (this.functions.has(functionId)) {
      throw new Error(`Duplicate function id "${functionId}": a function can only be registered once.`);
    }
    const rawBindings = Object.entries(metadata.bindings ?? {}).map(([name, binding]) =>
      JSON.stringify({ ...binding, name }),
    );
    this.functions.set(functionId, { metadata: { ...metadata, functionId, rawBindings }, callback });
    return new Disposable(() => {
      if (this.#locked) throw new Error('Cannot dispose a function registration after the app started.');
      this.functions.delete(functionId);
    });
  }

  registerHook(name: string, callback: HookCallback): Disposable {
    const list = this.hooks.get(name as HookName);
    if (!list) throw new RangeError(`"${name}" is not a valid hook name.`);
    if (typeof callback !== 'function') throw new Error(`The "${name}" hook needs a function.`);
    list.push(callback);
    return new Disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  }

  setProgrammingModel(model: ProgrammingModel): void {
    if (this.programmingModel && this.programmingModel.name !== model.name) {
      console.warn(
        `The app set programming model "${model.name}" after "${this.programmingModel.name}"; using the last one.`,
      );
    }
    this.programmingModel = model;
  }

  getProgrammingModel(): ProgrammingModel {
    if (!this.programmingModel) throw new Error('The app registered no functions through @azure/functions.');
    return this.programmingModel;
  }

  /**
   * One log line, as the worker handles it: the app's `log` hooks see it first and may change the level and message
   * of user logs (not of system logs); a throwing hook never stops the line.
   */
  emitLog(
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
    functionName?: string,
    logContext?: { hookData?: Record<string, unknown>; invocationContext?: unknown },
  ): void {
    const hooks = this.hooks.get('log') ?? [];
    if (hooks.length > 0) {
      const context = {
        level,
        message,
        category,
        hookData: logContext?.hookData ?? {},
        appHookData: this.appHookData,
        invocationContext: logContext?.invocationContext,
      };
      try {
        for (const callback of hooks) callback(context);
        if (category === 'user') {
          level = context.level;
          message = context.message;
        }
      } catch {
        // a log hook must not prevent logging
      }
    }
    this.logHandler(level, category, message, functionName);
  }

  async runHooks(name: HookName, context: unknown): Promise<void> {
    for (const callback of [...(this.hooks.get(name) ?? [])]) await callback(context);
  }
}

/** The `Disposable` class the core API exposes. */
export class Disposable {
  #fn: (() => unknown) | undefined;
  constructor(fn: () => unknown) {
    this.#fn = fn;
  }
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  dispose(): void {
    const fn = this.#fn;
    this.#fn = undefined;
    fn?.();
  }
}

const SINGLETON = Symbol.for('local-runtime.functions-core');
type GlobalWithCore = typeof globalThis & { [SINGLETON]?: FunctionsCore };

/** The process's registrations (created on first use). */
export function functionsCore(): FunctionsCore {
  const g = globalThis as GlobalWithCore;
  g[SINGLETON] ??= new FunctionsCore();
  return g[SINGLETON];
}

function coreApiOf(core: FunctionsCore) {
  return {
    version: '3.10.1',
    hostVersion: '4.1037.0',
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
      core.registerFunction(metadata, callback),
    registerHook: (name: string, callback: HookCallback) => core.registerHook(name, callback),
    setProgrammingModel: (model: ProgrammingModel) => core.setProgrammingModel(model),
    getProgrammingModel: () => core.getProgrammingModel(),
    log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => core.emitLog(level, category, message),
    Disposable,
  };
}

let installed = false;

/**
 * Makes `require('@azure/functions-core')` answer with this runtime's core API, for every module loaded afterwards.
 * Idempotent. Returns the registrations object.
 */
export function installFunctionsCore(): FunctionsCore {
  const core = functionsCore();
  if (installed) return core;
  installed = true;
  const api = coreApiOf(core);
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const originalRequire = proto.require;
  proto.require = new Proxy(originalRequire, {
    apply(target, thisArg, args: [string]) {
      if (args[0] === '@azure/functions-core') return api;
      return Reflect.apply(target, thisArg, args);
    },
  });
  return core;
}
