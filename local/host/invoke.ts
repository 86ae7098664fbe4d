/**
 * Invokes a registered function the way the Node worker's InvocationHandler does: build the core invocation context
 * (inputData + triggerMetadata), let the app's programming model turn it into arguments, run the preInvocation hooks,
 * call the handler, run the postInvocation hooks and convert the result back to wire data.
 * Every extra input of type `durableClient` receives the Durable engine's client binding data.
 */
import { randomUUID } from 'node:crypto';
import type { CoreInvocationContext, RpcLogCategory, RpcLogLevel, RpcTypedData } from './core-types';
import { functionsCore, type RegisteredFunction } from './functions-core';

export interface InvocationResult {
  returnValue?: RpcTypedData;
  outputData?: { name: string; data: RpcTypedData }[];
}

export interface InvokeOptions {
  invocationId?: string;
  retryContext?: { retryCount: number; maxRetryCount: number };
}

/** Thrown when a function cannot be invoked at all (unknown name, unsupported binding); not a handler failure. */
class InvocationSetupError extends Error {
  override name = 'InvocationSetupError';
}

/** Receives the extra outputs of every invocation (with their binding), e.g. Service Bus messages for the broker. */
export type OutputSink = (functionName: string, binding: Record<string, unknown>, data: RpcTypedData) => Promise<void>;

/** How invocations are bound; set by the runtime at start. */
export interface InvocationSettings {
  /** Client binding data for `durableClient` inputs (from the Durable engine). */
  durableClientData?: () => Record<string, unknown>;
  /** Where output bindings go (Service Bus messages to the broker), whoever triggered the invocation. */
  outputSink?: OutputSink;
  /** host.json functionTimeout: an invocation running longer fails as the host fails it (the handler cannot be stopped). */
  functionTimeoutMs?: number;
}

const settings: InvocationSettings = {};

export function configureInvocations(update: InvocationSettings): void {
  Object.assign(settings, update);
}

function durableClientData(): Record<string, unknown> {
  if (!settings.durableClientData) {
    throw new InvocationSetupError('The Durable engine is not running, so durableClient inputs cannot be bound.');
  }
  return settings.durableClientData();
}

function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

async function withTimeout<T>(work: Promise<T>, functionName: string, invocationId: string): Promise<T> {
  const ms = settings.functionTimeoutMs;
  if (!ms) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `Timeout value of ${formatDuration(ms)} exceeded by function '${functionName}' (Id: '${invocationId}').`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The trigger binding's name and definition of a registered function. */
export function triggerOf(fn: RegisteredFunction): { name: string; type: string; binding: Record<string, unknown> } {
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'out' && typeof binding.type === 'string' && /trigger$/i.test(binding.type)) {
      return { name, type: binding.type, binding };
    }
  }
  throw new InvocationSetupError(`Function "${fn.metadata.name}" has no trigger binding.`);
}

function extraInputs(fn: RegisteredFunction, triggerName: string): { name: string; data: RpcTypedData }[] {
  const inputs: { name: string; data: RpcTypedData }[] = [];
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (name === triggerName || binding.direction === 'out') continue;
    if (binding.type === 'durableClient') {
      inputs.push({ name, data: { string: JSON.stringify(durableClientData()) } });
    } else {
      throw new InvocationSetupError(
        `Function "${fn.metadata.name}" uses an input binding of type "${binding.type}", which the local runtime does not provide.`,
      );
    }
  }
  return inputs;
}

function hookContext<T extends object>(fields: T, hookData: Record<string, unknown>, invocationContext: unknown) {
  const core = functionsCore();
  return Object.assign(Object.create(null) as object, fields, {
    get hookData() {
      return hookData;
    },
    get appHookData() {
      return core.appHookData;
    },
    get invocationContext() {
      return invocationContext;
    },
  }) as T & { hookData: Record<string, unknown>; appHookData: Record<string, unknown>; invocationContext: unknown };
}

/**
 * Invokes `functionName` with its trigger data (and trigger metadata, e.g. Service Bus message properties).
 * Resolves with the converted return value and extra outputs; rejects with the handler's own error.
 */
export async function invokeFunction(
  functionName: string,
  triggerData: RpcTypedData,
  triggerMetadata: Record<string, RpcTypedData> = {},
  options: InvokeOptions = {},
): Promise<InvocationResult> {
  const core = functionsCore();
  const fn = core.functions.get(functionName);
  if (!fn) throw new InvocationSetupError(`No function named "${functionName}" is registered.`);
  const trigger = triggerOf(fn);
  const invocationId = options.invocationId ?? randomUUID();

  const coreCtx: CoreInvocationContext = {
    invocationId,
    metadata: fn.metadata,
    state: undefined,
    log(level: RpcLogLevel, category: RpcLogCategory, message: string) {
      core.emitLog(
        level,
        category,
        message,
        fn.metadata.name,
        coreCtx.logContext as { hookData?: Record<string, unknown> },
      );
    },
    request: {
      invocationId,
      functionId: fn.metadata.functionId ?? fn.metadata.name,
      inputData: [{ name: trigger.name, data: triggerData }, ...extraInputs(fn, trigger.name)],
      triggerMetadata,
      traceContext: { traceParent: undefined, traceState: undefined, attributes: {} },
      retryContext: options.retryContext,
    },
  };

  const model = await core.getProgrammingModel().getInvocationModel(coreCtx);
  const hookData: Record<string, unknown> = {};
  const { context, inputs: initialInputs } = await model.getArguments();
  coreCtx.logContext = { hookData, invocationContext: context };

  const pre = hookContext({ functionCallback: fn.callback, inputs: initialInputs }, hookData, context);
  coreCtx.state = 'preInvocationHooks';
  try {
    await core.runHooks('preInvocation', pre);
  } finally {
    coreCtx.state = undefined;
  }

  const post = hookContext({ inputs: pre.inputs, result: null as unknown, error: null as unknown }, hookData, context);
  coreCtx.state = 'invocation';
  try {
    post.result = await withTimeout(
      model.invokeFunction(context, pre.inputs, pre.functionCallback),
      fn.metadata.name,
      invocationId,
    );
  } catch (err) {
    post.error = err;
  } finally {
    coreCtx.state = undefined;
  }

  coreCtx.state = 'postInvocationHooks';
  try {
    await core.runHooks('postInvocation', post);
  } finally {
    coreCtx.state = undefined;
  }
  if (post.error) throw post.error;

  const response = await model.getResponse(context, post.result);
  const result: InvocationResult = {};
  if (response.returnValue !== undefined && response.returnValue !== null) result.returnValue = response.returnValue;
  const outputs = (response.outputData ?? []).filter(
    (o): o is { name: string; data: RpcTypedData } =>
      typeof o.name === 'string' && o.data !== undefined && o.data !== null,
  );
  if (outputs.length > 0) result.outputData = outputs;
  const sink = settings.outputSink;
  if (sink) {
    const returnBinding = fn.metadata.bindings.$return;
    if (result.returnValue && returnBinding && String(returnBinding.type).toLowerCase() !== 'http') {
      await sink(fn.metadata.name, returnBinding, result.returnValue);
    }
    for (const output of outputs) await sink(fn.metadata.name, fn.metadata.bindings[output.name] ?? {}, output.data);
  }
  return result;
}
