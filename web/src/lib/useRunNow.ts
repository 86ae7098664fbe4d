import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { apiRequest } from '../api/client';
import type { StartedRun } from '../api/types';
import { invalidatePaths } from '../api/hooks';

/** Starts a run of an agent or workflow and opens its live progress. */
export function useRunNow() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [startingId, setStartingId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const start = async (target: { agentId: string } | { workflowId: string }) => {
    const id = 'agentId' in target ? target.agentId : target.workflowId;
    setStartingId(id);
    setError(null);
    try {
      const run = await apiRequest<StartedRun>('/orchestration/runs', {
        method: 'POST',
        body: target,
      });
      await invalidatePaths(client, ['/orchestration/runs', '/usage']);
      navigate(`/runs/${encodeURIComponent(run.runId)}`);
    } catch (err) {
      setError(err);
    } finally {
      setStartingId(null);
    }
  };
  return { start, startingId, error };
}
