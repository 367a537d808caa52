import { geoEqualEarth, geoPath } from 'd3-geo';
import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import type { Row } from '../api/engagement.js';

const width = 960;
const height = 500;
const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
const land = feature(topology, topology.objects.countries) as FeatureCollection;
const projection = geoEqualEarth().fitSize([width, height], land);
const path = geoPath(projection);
// Country outlines never change: compute them once, when this chunk loads.
const shapes = land.features.map((f, i) => ({ key: String(f.id ?? i), d: path(f) ?? '' }));

function position(row: Row): [number, number] | null {
  const report = (row.report ?? row) as Row;
  const p = (report.position ?? report) as { lat?: unknown; lon?: unknown; latitude?: unknown; longitude?: unknown };
  const lat = Number(p.lat ?? p.latitude);
  const lon = Number(p.lon ?? p.longitude);
  return Number.isFinite(lat) && Number.isFinite(lon) ? [lon, lat] : null;
}

/** World countries (world-atlas 110m, bundled: no tiles) with one dot per incident. Loaded on demand. */
export default function IncidentMap({ incidents, label }: { incidents: Row[]; label: string }) {
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} className="map" data-testid="incident-map">
      <g className="countries">
        {shapes.map((s) => (
          <path key={s.key} d={s.d} />
        ))}
      </g>
      <g className="incidents">
        {incidents.map((row, i) => {
          const at = position(row);
          const xy = at && projection(at);
          if (!xy) return null;
          return (
            <circle key={String(row.id ?? i)} cx={xy[0]} cy={xy[1]} r={5}>
              <title>{String(((row.report ?? {}) as Row).narrative ?? row.id ?? '')}</title>
            </circle>
          );
        })}
      </g>
    </svg>
  );
}
