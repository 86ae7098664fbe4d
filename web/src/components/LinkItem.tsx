import ListItem from '@mui/material/ListItem';
import ListItemButton, { type ListItemButtonProps } from '@mui/material/ListItemButton';
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router-dom';

/** A list row that is a link, inside its own <li> so lists stay valid for screen readers. */
export function LinkItem({
  to,
  children,
  divider = true,
  ...props
}: { to: string; children: ReactNode; divider?: boolean } & Omit<ListItemButtonProps, 'children'>) {
  return (
    <ListItem disablePadding divider={divider}>
      <ListItemButton component={RouterLink} to={to} {...props}>
        {children}
      </ListItemButton>
    </ListItem>
  );
}
