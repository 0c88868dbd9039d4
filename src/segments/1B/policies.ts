// Typed views of the 1B policy files (schemas in contracts/policies/layer1.1B.*.schema.json).
import { policy, type PolicyPack } from '../../config/load.js';
import { GeometryPolicy } from '../../laws/geo/shapes.js';

export interface TilesPolicy {
  grid: { base_cell_deg: number; min_tiles_per_country: number; max_level: number; pip_band_deg: number };
  weights: { dp: number; rural_floor_per_km2: number; city_snap_cells: number; city_radius_km_per_sqrt_pop: number };
}
export interface PlacementPolicy {
  allocation: { method: 'systematic' | 'largest_remainder' };
  jitter: { max_attempts: number };
}
export interface ValidationPolicy1B {
  replay_sample_pairs: number;
  city_proximity: { radius_km: number; min_population: number };
  corridors: Record<string, { min: number; max: number; required: boolean }>;
}
export interface Policies1B {
  geometry: GeometryPolicy;
  tiles: TilesPolicy;
  placement: PlacementPolicy;
  validation: ValidationPolicy1B;
  files: string[];
}

export const P1B = 'layer1/1B/';
export function load1B(pack: PolicyPack): Policies1B {
  const names = ['geometry', 'tiles', 'placement', 'validation'].map((n) => `${P1B}${n}.yaml`);
  const [geometry, tiles, placement, validation] = names.map((n) => policy<unknown>(pack, n));
  return {
    geometry: geometry as GeometryPolicy,
    tiles: tiles as TilesPolicy,
    placement: placement as PlacementPolicy,
    validation: validation as ValidationPolicy1B,
    files: names,
  };
}
