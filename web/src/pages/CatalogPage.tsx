import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useApiMutation, useApiQuery } from '../api/hooks';
import type { InstalledPack, Pack, Page, Template } from '../api/types';
import { EmptyState, ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { dateTime } from '../lib/format';
import { providerName } from '../lib/labels';
import { plural } from '../lib/plural';
import { packRequirements } from '../lib/requirements';

function listOf<T>(data: Page<T> | undefined): T[] {
  return data?.items ?? [];
}

const grid = {
  display: 'grid',
  gap: 2,
  gridTemplateColumns: { xs: '1fr', sm: 'repeat(2, 1fr)', lg: 'repeat(3, 1fr)' },
};

export function CatalogPage() {
  const packs = useApiQuery<Page<Pack>>('/catalog/packs');
  const templates = useApiQuery<Page<Template>>('/catalog/templates');
  const installed = useApiQuery<Page<InstalledPack>>('/packs');
  const [removing, setRemoving] = useState<InstalledPack | null>(null);
  const uninstall = useApiMutation(
    (p: InstalledPack) => ({ path: `/packs/${encodeURIComponent(p.installId)}`, method: 'DELETE' }),
    ['/packs', '/agents', '/workflows'],
  );

  const installedList = listOf(installed.data);
  const packList = listOf(packs.data);
  const packName = (id: string) => packList.find((p) => p.id === id)?.name ?? id;

  return (
    <>
      <PageHeader title="Catalog" subtitle="Packs bundle agents that work together. Install one to get started." />
      {installedList.length > 0 && (
        <Section title="Installed">
          <Box sx={{ display: 'grid', gap: 1 }}>
            {installedList.map((p) => (
              <Box
                key={p.installId}
                sx={{
                  display: 'flex',
                  alignItems: 'center',
                  justifyContent: 'space-between',
                  gap: 2,
                  flexWrap: 'wrap',
                }}
              >
                <Box>
                  <Typography sx={{ fontWeight: 600 }}>{packName(p.packId)}</Typography>
                  <Typography variant="body2" color="text.secondary">
                    Installed {dateTime(p.installedAt)} · {plural(p.agentIds.length, 'agent', 'agents')},{' '}
                    {plural(p.workflowIds.length, 'workflow', 'workflows')}
                  </Typography>
                </Box>
                <Box sx={{ display: 'flex', gap: 1 }}>
                  <Button component={RouterLink} to="/agents">
                    See agents
                  </Button>
                  <Button color="error" onClick={() => setRemoving(p)}>
                    Uninstall
                  </Button>
                </Box>
              </Box>
            ))}
          </Box>
          {uninstall.error && <ErrorNotice error={uninstall.error} />}
        </Section>
      )}
      <Section title="Packs">
        {packs.isLoading ? (
          <Loading />
        ) : packs.error ? (
          <ErrorNotice error={packs.error} onRetry={() => void packs.refetch()} />
        ) : packList.length === 0 ? (
          <EmptyState title="No packs available" />
        ) : (
          <Box sx={grid}>
            {packList.map((pack) => {
              const needs = packRequirements(pack);
              return (
                <Card
                  key={pack.id}
                  component="article"
                  aria-label={pack.name}
                  variant="outlined"
                  sx={{ display: 'flex', flexDirection: 'column' }}
                >
                  <CardContent sx={{ flexGrow: 1 }}>
                    <Typography variant="h3" component="h3" gutterBottom>
                      {pack.name}
                    </Typography>
                    <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
                      {pack.description}
                    </Typography>
                    <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
                      {needs.map((n) => (
                        <Chip
                          key={n.provider}
                          size="small"
                          variant="outlined"
                          label={`Uses ${providerName(n.provider)}`}
                        />
                      ))}
                    </Box>
                  </CardContent>
                  <CardActions>
                    {installedList.some((i) => i.packId === pack.id) ? (
                      <Button disabled>Installed</Button>
                    ) : (
                      <Button
                        variant="contained"
                        component={RouterLink}
                        to={`/catalog/packs/${encodeURIComponent(pack.id)}/install`}
                        aria-label={`Install ${pack.name}`}
                      >
                        Install
                      </Button>
                    )}
                  </CardActions>
                </Card>
              );
            })}
          </Box>
        )}
      </Section>
      <Section title="Agent templates">
        {templates.isLoading ? (
          <Loading />
        ) : templates.error ? (
          <ErrorNotice error={templates.error} />
        ) : (
          <Box sx={grid}>
            {listOf(templates.data).map((t) => (
              <Card
                key={t.id}
                component="article"
                aria-label={t.name}
                variant="outlined"
                sx={{ display: 'flex', flexDirection: 'column' }}
              >
                <CardContent sx={{ flexGrow: 1 }}>
                  <Typography variant="h3" component="h3" gutterBottom>
                    {t.name}
                  </Typography>
                  <Typography variant="body2" color="text.secondary">
                    {t.description}
                  </Typography>
                </CardContent>
                <CardActions>
                  <Button
                    component={RouterLink}
                    to={`/agents/new?template=${encodeURIComponent(t.id)}`}
                    aria-label={`Create agent from ${t.name}`}
                  >
                    Create agent
                  </Button>
                </CardActions>
              </Card>
            ))}
          </Box>
        )}
      </Section>
      <Dialog open={!!removing} onClose={() => setRemoving(null)} aria-labelledby="uninstall-title">
        <DialogTitle id="uninstall-title">Uninstall {removing ? packName(removing.packId) : ''}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Its agents and schedules are removed. Suggestions they already made stay in your inbox, and your connected
            accounts stay connected.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRemoving(null)}>Keep it</Button>
          <Button
            color="error"
            variant="contained"
            onClick={() => {
              if (removing) uninstall.mutate(removing);
              setRemoving(null);
            }}
          >
            Uninstall
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
