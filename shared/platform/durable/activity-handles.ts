import type { RegisteredActivity, RetryOptions, Task } from 'durable-functions';

declare const resultType: unique symbol;

/** A Durable task whose result has type `T`: the return type of the activity behind it. */
export type TypedTask<T> = Task & { readonly [resultType]?: T };

/** Any activity implementation: one input, a promised result. */
type Activity = (input: never) => Promise<unknown>;

/** Typed handles on a set of activities, derived from their implementations. */
export type ActivityHandles<A extends Record<string, Activity>> = {
  [K in keyof A]: (input: Parameters<A[K]>[0]) => TypedTask<Awaited<ReturnType<A[K]>>>;
};

/** Each activity's retry policy (`null`: not retried by Durable). */
export type ActivityRetries<A extends Record<string, Activity>> = { [K in keyof A]: RetryOptions | null };

/**
 * The handles an orchestrator calls: each applies its activity's retry policy. The registered activities
 * (`df.app.activity`) are untyped; their types come from the implementations they run.
 */
export function activityHandles<A extends Record<string, Activity>>(
  registered: { [K in keyof A]: RegisteredActivity },
  retries: ActivityRetries<A>,
): ActivityHandles<A> {
  const handles: Record<string, (input: unknown) => Task> = {};
  for (const name of Object.keys(registered) as (keyof A & string)[]) {
    const retry = retries[name];
    handles[name] = (input) => (retry ? registered[name](input).withRetry(retry) : registered[name](input));
  }
  return handles as unknown as ActivityHandles<A>;
}

/** Yields a task and gives back its result with the activity's type: `const state = yield* result(state(input))`. */
export function* result<T>(task: TypedTask<T>): Generator<Task, T, unknown> {
  return (yield task) as T;
}
