/**
 * Time zones as people look for them: by city ("New York"), by country ("Japan") or by offset ("+09"), each shown
 * with its current offset from UTC. The zones come from the browser (`Intl.supportedValuesOf('timeZone')`); the
 * countries from a short list of the zones most people live in.
 */

/** Country of the most populated zones (the city is in the zone's own name). */
const COUNTRIES: Record<string, string> = {
  'America/New_York': 'United States',
  'America/Chicago': 'United States',
  'America/Denver': 'United States',
  'America/Phoenix': 'United States',
  'America/Los_Angeles': 'United States',
  'America/Anchorage': 'United States',
  'Pacific/Honolulu': 'United States',
  'America/Toronto': 'Canada',
  'America/Vancouver': 'Canada',
  'America/Edmonton': 'Canada',
  'America/Winnipeg': 'Canada',
  'America/Halifax': 'Canada',
  'America/St_Johns': 'Canada',
  'America/Mexico_City': 'Mexico',
  'America/Bogota': 'Colombia',
  'America/Lima': 'Peru',
  'America/Santiago': 'Chile',
  'America/Argentina/Buenos_Aires': 'Argentina',
  'America/Sao_Paulo': 'Brazil',
  'America/Caracas': 'Venezuela',
  'Europe/London': 'United Kingdom',
  'Europe/Dublin': 'Ireland',
  'Europe/Lisbon': 'Portugal',
  'Europe/Madrid': 'Spain',
  'Europe/Paris': 'France',
  'Europe/Brussels': 'Belgium',
  'Europe/Amsterdam': 'Netherlands',
  'Europe/Berlin': 'Germany',
  'Europe/Zurich': 'Switzerland',
  'Europe/Vienna': 'Austria',
  'Europe/Rome': 'Italy',
  'Europe/Copenhagen': 'Denmark',
  'Europe/Oslo': 'Norway',
  'Europe/Stockholm': 'Sweden',
  'Europe/Helsinki': 'Finland',
  'Europe/Warsaw': 'Poland',
  'Europe/Prague': 'Czechia',
  'Europe/Budapest': 'Hungary',
  'Europe/Athens': 'Greece',
  'Europe/Bucharest': 'Romania',
  'Europe/Kyiv': 'Ukraine',
  'Europe/Kiev': 'Ukraine',
  'Europe/Istanbul': 'Türkiye',
  'Europe/Moscow': 'Russia',
  'Africa/Casablanca': 'Morocco',
  'Africa/Lagos': 'Nigeria',
  'Africa/Cairo': 'Egypt',
  'Africa/Nairobi': 'Kenya',
  'Africa/Johannesburg': 'South Africa',
  'Asia/Jerusalem': 'Israel',
  'Asia/Riyadh': 'Saudi Arabia',
  'Asia/Dubai': 'United Arab Emirates',
  'Asia/Tehran': 'Iran',
  'Asia/Karachi': 'Pakistan',
  'Asia/Kolkata': 'India',
  'Asia/Calcutta': 'India',
  'Asia/Dhaka': 'Bangladesh',
  'Asia/Bangkok': 'Thailand',
  'Asia/Jakarta': 'Indonesia',
  'Asia/Ho_Chi_Minh': 'Vietnam',
  'Asia/Singapore': 'Singapore',
  'Asia/Kuala_Lumpur': 'Malaysia',
  'Asia/Manila': 'Philippines',
  'Asia/Hong_Kong': 'Hong Kong',
  'Asia/Shanghai': 'China',
  'Asia/Taipei': 'Taiwan',
  'Asia/Seoul': 'South Korea',
  'Asia/Tokyo': 'Japan',
  'Australia/Perth': 'Australia',
  'Australia/Adelaide': 'Australia',
  'Australia/Brisbane': 'Australia',
  'Australia/Sydney': 'Australia',
  'Australia/Melbourne': 'Australia',
  'Pacific/Auckland': 'New Zealand',
};

export interface ZoneOption {
  /** IANA name, e.g. "America/New_York": what is stored. */
  zone: string;
  /** "New York" */
  city: string;
  country?: string;
  /** "UTC−05:00" now (it changes with daylight saving time). */
  offset: string;
  /** Lower-case words the search matches. */
  search: string;
}

/** "UTC+05:30", "UTC−05:00", "UTC" for `zone` at `at`. */
function utcOffset(zone: string, at = new Date()): string {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    return (name ?? 'GMT').replace(/^GMT/, 'UTC').replace('-', '−') || 'UTC';
  } catch {
    return '';
  }
}

/** "New York" from "America/New_York", "Buenos Aires" from "America/Argentina/Buenos_Aires". */
function cityOf(zone: string): string {
  return (zone.split('/').pop() ?? zone).replace(/_/g, ' ');
}

function allTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** Every zone the browser knows, with the words to find it by. */
export function zoneOptions(at = new Date()): ZoneOption[] {
  return allTimeZones().map((zone) => {
    const city = cityOf(zone);
    const country = COUNTRIES[zone];
    const offset = utcOffset(zone, at);
    return {
      zone,
      city,
      ...(country ? { country } : {}),
      offset,
      search: [zone, city, country ?? '', offset, offset.replace('−', '-')].join(' ').toLowerCase(),
    };
  });
}

/** The zones matching what the person typed: every word must match the zone, its city, country or offset. */
export function matchZones(options: ZoneOption[], input: string): ZoneOption[] {
  const words = input.toLowerCase().replace(/_/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 0) return options;
  return options.filter((o) => words.every((w) => o.search.includes(w) || o.search.replace(/_/g, ' ').includes(w)));
}

/** The label of a zone as the picker shows it: "New York, United States (UTC−05:00)". */
export function zoneLabel(option: ZoneOption): string {
  return `${option.city}${option.country ? `, ${option.country}` : ''} (${option.offset})`;
}
