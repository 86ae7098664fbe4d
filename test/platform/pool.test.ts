import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { mapLimited } from '../../shared/platform/pool';

describe('bounded-concurrency pool', () => {
  it('keeps the order of the input and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let i = 0; i < n; i++) await tick(); // items finish out of order
      inFlight--;
      return `${index}:${n * 10}`;
    });
    assert.deepEqual(results, ['0:50', '1:10', '2:40', '3:20', '4:30', '5:0', '6:60']);
    assert.equal(most, 3);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapLimited([0, 1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        await tick();
        if (n === 1) throw new Error('item 1 failed');
        return n;
      }),
      /item 1 failed/,
    );
    assert.deepEqual(started, [0, 1, 2]);
  });

  it('answers an empty input with an empty list', async () => {
    assert.deepEqual(await mapLimited([], 4, async () => 1), []);
  });
});
