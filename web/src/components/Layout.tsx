import AppBar from '@mui/material/AppBar';
import Badge from '@mui/material/Badge';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useState, type ReactNode } from 'react';
import { Link as RouterLink, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { usePendingCount } from '../api/hooks';
import { Icon, type IconName } from './Icon';

const NAV: { to: string; label: string; icon: IconName }[] = [
  { to: '/', label: 'Home', icon: 'home' },
  { to: '/suggestions', label: 'Suggestions', icon: 'inbox' },
  { to: '/catalog', label: 'Catalog', icon: 'catalog' },
  { to: '/agents', label: 'Agents', icon: 'agents' },
  { to: '/runs', label: 'Runs', icon: 'runs' },
  { to: '/connectors', label: 'Connectors', icon: 'connectors' },
  { to: '/dashboard', label: 'Dashboard', icon: 'dashboard' },
  { to: '/audit', label: 'Audit', icon: 'audit' },
  { to: '/settings', label: 'Settings', icon: 'settings' },
];

const WIDTH = 232;

function isActive(path: string, to: string): boolean {
  return to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const wide = useMediaQuery('(min-width:900px)');
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  const { user, signOut } = useAuth();
  const pending = usePendingCount();
  const name = (user?.profile.name as string | undefined) ?? (user?.profile.email as string | undefined) ?? '';

  const nav = (
    <Box component="nav" aria-label="Main">
      <List sx={{ px: 1 }}>
        {NAV.map((item) => (
          <ListItem key={item.to} disablePadding>
            <ListItemButton
              component={RouterLink}
              to={item.to}
              selected={isActive(pathname, item.to)}
              aria-current={isActive(pathname, item.to) ? 'page' : undefined}
              onClick={() => setOpen(false)}
              sx={{ borderRadius: 2, mb: 0.25 }}
            >
              <ListItemIcon sx={{ minWidth: 36 }}>
                {item.to === '/suggestions' && pending > 0 ? (
                  <Badge badgeContent={pending} color="secondary" max={99}>
                    <Icon name={item.icon} fontSize="small" />
                  </Badge>
                ) : (
                  <Icon name={item.icon} fontSize="small" />
                )}
              </ListItemIcon>
              <ListItemText primary={item.label} />
            </ListItemButton>
          </ListItem>
        ))}
      </List>
    </Box>
  );

  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppBar position="fixed" color="primary" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
        <Toolbar sx={{ gap: 1 }}>
          {!wide && (
            <IconButton color="inherit" edge="start" aria-label="Open navigation" onClick={() => setOpen(true)}>
              <Icon name="menu" />
            </IconButton>
          )}
          <Typography component="p" variant="h6" sx={{ flexGrow: 1, minWidth: 0, fontWeight: 600 }} noWrap>
            Personal Agents
          </Typography>
          {wide && name && (
            <Typography component="p" variant="body2" sx={{ opacity: 0.9 }} noWrap>
              {name}
            </Typography>
          )}
          <Button
            color="inherit"
            variant="outlined"
            size="small"
            onClick={() => void signOut()}
            sx={{ flexShrink: 0, whiteSpace: 'nowrap' }}
          >
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      {wide ? (
        <Drawer
          variant="permanent"
          sx={{
            width: WIDTH,
            flexShrink: 0,
            '& .MuiDrawer-paper': {
              width: WIDTH,
              boxSizing: 'border-box',
              bgcolor: 'background.default',
              borderRight: '1px solid #e4e1da',
            },
          }}
        >
          <Toolbar />
          {nav}
        </Drawer>
      ) : (
        <Drawer open={open} onClose={() => setOpen(false)} sx={{ '& .MuiDrawer-paper': { width: WIDTH } }}>
          <Toolbar />
          {nav}
        </Drawer>
      )}
      <Box
        component="main"
        id="main"
        tabIndex={-1}
        sx={{ flexGrow: 1, minWidth: 0, p: { xs: 2, sm: 3, md: 4 }, maxWidth: 1200, outline: 'none' }}
      >
        <Toolbar />
        {children}
      </Box>
    </Box>
  );
}
