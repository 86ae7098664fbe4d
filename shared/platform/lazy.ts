/** A value built on first use and then reused (heavy SDK clients, service graphs). */
export function lazy<T>(factory: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = factory();
      built = true;
    }
    return value;
  };
}
