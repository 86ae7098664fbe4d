import Box from '@mui/material/Box';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { JsonSchema } from '../api/types';
import { humanize } from '../lib/format';

type Value = Record<string, unknown>;

function typeOf(schema: JsonSchema): string {
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (schema.enum) return 'enum';
  return t ?? (schema.properties ? 'object' : 'string');
}

/** Values the form starts with: the schema's defaults, overlaid by what is already saved. */
export function initialConfig(schema: JsonSchema | undefined, saved: Value | undefined): Value {
  const out: Value = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (saved && key in saved) out[key] = saved[key];
    else if (prop.default !== undefined) out[key] = prop.default;
    else if (typeOf(prop) === 'object') out[key] = initialConfig(prop, undefined);
  }
  return { ...saved, ...out };
}

/** A form generated from a template's JSON Schema: text, numbers, switches, choices, lists and nested groups. */
export function ConfigForm({
  schema,
  value,
  onChange,
  errors = {},
  path = '',
}: {
  schema: JsonSchema;
  value: Value;
  onChange: (v: Value) => void;
  errors?: Record<string, string>;
  path?: string;
}) {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return <Typography color="text.secondary">This agent has no settings.</Typography>;
  const required = new Set(schema.required ?? []);
  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      {props.map(([key, prop]) => {
        const label = prop.title ?? humanize(key.replace(/([a-z])([A-Z])/g, '$1 $2'));
        const fieldPath = path ? `${path}.${key}` : key;
        const error = errors[fieldPath] ?? errors[`config.${fieldPath}`] ?? errors[`body.config.${fieldPath}`];
        const set = (v: unknown) => onChange({ ...value, [key]: v });
        const current = value[key];
        const help = error ?? prop.description;
        switch (typeOf(prop)) {
          case 'boolean':
            return (
              <Box key={key}>
                <FormControlLabel
                  control={<Switch checked={Boolean(current)} onChange={(e) => set(e.target.checked)} />}
                  label={label}
                />
                {help && (
                  <Typography variant="body2" color={error ? 'error' : 'text.secondary'} sx={{ ml: 6 }}>
                    {help}
                  </Typography>
                )}
              </Box>
            );
          case 'enum':
            return (
              <TextField
                key={key}
                select
                label={label}
                required={required.has(key)}
                value={current ?? ''}
                onChange={(e) => set(e.target.value)}
                helperText={help}
                error={!!error}
              >
                {(prop.enum ?? []).map((option) => (
                  <MenuItem key={String(option)} value={option}>
                    {humanize(String(option))}
                  </MenuItem>
                ))}
              </TextField>
            );
          case 'integer':
          case 'number':
            return (
              <TextField
                key={key}
                type="number"
                label={label}
                required={required.has(key)}
                value={current ?? ''}
                onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
                helperText={help}
                error={!!error}
                slotProps={{
                  htmlInput: { min: prop.minimum, max: prop.maximum, step: typeOf(prop) === 'integer' ? 1 : 'any' },
                }}
              />
            );
          case 'array':
            return (
              <TextField
                key={key}
                label={label}
                required={required.has(key)}
                value={Array.isArray(current) ? current.join(', ') : ''}
                onChange={(e) =>
                  set(
                    e.target.value
                      .split(',')
                      .map((s) => s.trim())
                      .filter(Boolean),
                  )
                }
                helperText={help ? `${help} (separate with commas)` : 'Separate with commas'}
                error={!!error}
              />
            );
          case 'object':
            return (
              <Box key={key} component="fieldset" sx={{ border: '1px solid #e4e1da', borderRadius: 2, p: 2, m: 0 }}>
                <Typography component="legend" variant="body2" sx={{ px: 0.5, fontWeight: 600 }}>
                  {label}
                </Typography>
                <ConfigForm
                  schema={prop}
                  value={(current as Value) ?? {}}
                  onChange={set}
                  errors={errors}
                  path={fieldPath}
                />
              </Box>
            );
          default:
            return (
              <TextField
                key={key}
                label={label}
                required={required.has(key)}
                value={current ?? ''}
                onChange={(e) => set(e.target.value)}
                helperText={help}
                error={!!error}
                multiline={(prop.maxLength ?? 0) > 200}
                minRows={(prop.maxLength ?? 0) > 200 ? 3 : undefined}
                slotProps={{ htmlInput: { maxLength: prop.maxLength } }}
              />
            );
        }
      })}
    </Box>
  );
}
