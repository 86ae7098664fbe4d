/**
 * Every indexing path of shared/platform/cosmos/containers.ts is one Azure accepts (the embedded Cosmos-API server
 * accepts anything, so only this check stands between a bad path and a failed `azd up`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTAINERS, type ContainerDef } from '../../shared/platform/cosmos/containers';
import { indexingPathProblem } from './cosmos-paths';

test('indexing paths in containers.ts use Cosmos DB path syntax', () => {
  for (const def of Object.values(CONTAINERS) as ContainerDef[]) {
    for (const path of def.excludedPaths ?? [])
      assert.equal(indexingPathProblem(path), undefined, `${def.name}: ${path}`);
    for (const index of def.compositeIndexes ?? [])
      for (const { path } of index)
        assert.match(path, /^(\/[A-Za-z_][A-Za-z0-9_]*)+$/, `${def.name}: composite ${path}`);
  }
});

test('the path check knows valid paths from the ones Azure rejects', () => {
  for (const valid of ['/*', '/payload/*', '/steps/[]/output/*', '/"_etag"/?', '/tags/[]/?', '/a/b/?'])
    assert.equal(indexingPathProblem(valid), undefined, valid);
  for (const invalid of ['/steps/*/output/*', 'steps/*', '/payload', '/a/?/b/*', '/[]/x/*', '/a b/*'])
    assert.ok(indexingPathProblem(invalid), invalid);
});
