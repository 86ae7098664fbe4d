import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import { matchZones, zoneLabel, zoneOptions, type ZoneOption } from '../lib/time-zones';

/** A time zone found by city, country or offset ("New York", "Japan", "+09"); the stored value is the IANA name. */
export function TimeZonePicker({
  value,
  onChange,
  helperText,
  sx,
}: {
  value: string;
  onChange: (zone: string) => void;
  helperText?: string;
  sx?: object;
}) {
  const options = useMemo(() => zoneOptions(), []);
  const selected = options.find((o) => o.zone === value) ?? {
    zone: value,
    city: value,
    offset: '',
    search: value.toLowerCase(),
  };
  return (
    <Autocomplete<ZoneOption, false, true>
      options={options}
      value={selected}
      disableClearable
      isOptionEqualToValue={(o, v) => o.zone === v.zone}
      getOptionLabel={(o) => o.zone}
      filterOptions={(all, state) => matchZones(all, state.inputValue)}
      onChange={(_, o) => o && onChange(o.zone)}
      renderOption={({ key, ...props }, o) => (
        <Box component="li" key={key} {...props}>
          <Box>
            <Typography variant="body2">{zoneLabel(o)}</Typography>
            <Typography variant="caption" color="text.secondary">
              {o.zone}
            </Typography>
          </Box>
        </Box>
      )}
      renderInput={(params) => (
        <TextField
          {...params}
          label="Time zone"
          helperText={helperText ?? (selected.offset ? `${zoneLabel(selected)}` : undefined)}
        />
      )}
      sx={sx}
    />
  );
}
