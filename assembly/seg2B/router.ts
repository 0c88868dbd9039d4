// Segment 2B two-stage router (S5) and virtual-edge pick (S6): O(1) per arrival over the S2 alias
// blob and the per-(merchant, day) group tables built from S4. Mirrors src/segments/2B/router.ts
// (routeRef, edgePickRef) bit for bit. KEEP IN LOCKSTEP.
//
// Tables (all u32 words):
//   blob      the S2 alias blob; merchant m's slice starts at word sliceWord[m]:
//             [n, qbits, G, 0] q[n] alias[n] start[G+1] perm[n] gq[n] galias[n]  (see k2bAliasEncode)
//   dayTab    group tables; merchant m, day d (0-based from the horizon start):
//             q[G] alias[G] at word dayWord[m] + d*2G (Q0.dayQbits, totals exactly 2^bits)
// Stage A (u1): the day's group alias → g (no decode when G == 1; u1 is still consumed).
// Stage B (u2): the site alias of group g → position k; site = perm[start[g] + k] (merchant-local
// site index in (legal_country_iso, site_order) order).
// A slice with G == 0 (no group section, e.g. a 3B edge slice) decodes its merchant-wide table.

import { streamInit, streamU01 } from "../rng/stream";
import { aliasDecodeQ } from "./alias";

/** Group chosen by the last routeSite call (-1 when the day was outside the horizon). */
export let routedGroup: i32 = -1;

// @ts-ignore: decorator
@inline
function scaleOf(qbits: u32): f64 {
  return <f64>(<u64>1 << <u64>qbits);
}

/** Decode u against the merchant-wide table of the slice at byte address s ([n, qbits, G, 0] q[n] alias[n] …):
 *  a 3B edge slice (G = 0) or a site slice with no groups. */
// @ts-ignore: decorator
@inline
export function sliceWide(s: usize, u: f64): i32 {
  let n = <i32>load<u32>(s);
  return aliasDecodeQ(s + 16, s + 16 + (<usize>n << 2), n, u, scaleOf(load<u32>(s, 4)));
}

/**
 * Route one arrival of the merchant whose slice starts at word w (byte address blob + 4w) on day d.
 * Returns the merchant-local site index (or -1 when d is outside [0, nDays)); sets routedGroup.
 * Consumes no RNG itself: u1 picks the group, u2 the site.
 */
// @ts-ignore: decorator
@inline
export function routeSite(blob: usize, w: u32, dayTab: usize, dayW: u32, d: i32, nDays: i32, dayScale: f64, u1: f64, u2: f64): i32 {
  let s = blob + (<usize>w << 2);
  let n = <i32>load<u32>(s);
  let scale = scaleOf(load<u32>(s, 4));
  let G = <i32>load<u32>(s, 8);
  if (G == 0) {
    routedGroup = 0;
    return sliceWide(s, u2);
  }
  if (d < 0 || d >= nDays) {
    routedGroup = -1;
    return -1;
  }
  let g: i32 = 0;
  if (G > 1) {
    let t = dayTab + ((<usize>dayW + <usize>(d * 2 * G)) << 2);
    g = aliasDecodeQ(t, t + (<usize>G << 2), G, u1, dayScale);
  }
  routedGroup = g;
  return groupSite(s, n, G, g, u2, scale);
}

/** Stage B of a slice at byte address s (n sites, G > 0 groups): the site alias of group g → site. */
// @ts-ignore: decorator
@inline
function groupSite(s: usize, n: i32, G: i32, g: i32, u: f64, scale: f64): i32 {
  let gs = s + (<usize>(4 + 2 * n) << 2);
  let a = <i32>load<u32>(gs + (<usize>g << 2));
  let ng = <i32>load<u32>(gs + (<usize>(g + 1) << 2)) - a;
  let perm = gs + (<usize>(G + 1) << 2);
  let gq = perm + (<usize>n << 2);
  let ga = gq + (<usize>n << 2);
  let k = aliasDecodeQ(gq + (<usize>a << 2), ga + (<usize>a << 2), ng, u, scale);
  return <i32>load<u32>(perm + (<usize>(a + k) << 2));
}

/**
 * Stage B alone, for a caller that already knows the arrival's tz-group g (5B: the cell's zone):
 * the merchant-local site from u. A slice with G == 0 decodes its merchant-wide table.
 */
// @ts-ignore: decorator
@inline
export function siteOfGroup(blob: usize, w: u32, g: i32, u: f64): i32 {
  let s = blob + (<usize>w << 2);
  let n = <i32>load<u32>(s);
  let scale = scaleOf(load<u32>(s, 4));
  let G = <i32>load<u32>(s, 8);
  if (G == 0) return sliceWide(s, u);
  return groupSite(s, n, G, g, u, scale);
}

/**
 * S5 router over caller-supplied uniforms: arrival i of merchant mIdx[i] (index into sliceWord /
 * dayWord) on day dIdx[i] uses u[2i] (group) and u[2i+1] (site). Writes outGroup[i] (tz-group
 * index in tzid order) and outSite[i] (merchant-local site index); -1/-1 for a day outside the horizon.
 */
export function k2bRoute(n: i32, mIdx: usize, dIdx: usize, u: usize, sliceWord: usize, blob: usize, dayWord: usize, nDays: i32,
  dayTab: usize, dayQbits: i32, outGroup: usize, outSite: usize): void {
  let dayScale = scaleOf(<u32>dayQbits);
  for (let i = 0; i < n; i++) {
    let m = load<i32>(mIdx + (<usize>i << 2));
    let site = routeSite(blob, load<u32>(sliceWord + (<usize>m << 2)), dayTab, load<u32>(dayWord + (<usize>m << 2)),
      load<i32>(dIdx + (<usize>i << 2)), nDays, dayScale, load<f64>(u + (<usize>i << 4)), load<f64>(u + (<usize>i << 4) + 8));
    store<i32>(outGroup + (<usize>i << 2), routedGroup);
    store<i32>(outSite + (<usize>i << 2), site);
  }
}

/** k2bRoute drawing its uniforms from one substream (k0, k1): per arrival u_group then u_site.
 *  Draws: exactly 2n. */
export function k2bRouteStream(n: i32, k0: u32, k1: u32, mIdx: usize, dIdx: usize, sliceWord: usize, blob: usize, dayWord: usize,
  nDays: i32, dayTab: usize, dayQbits: i32, outGroup: usize, outSite: usize): void {
  let dayScale = scaleOf(<u32>dayQbits);
  streamInit(k0, k1);
  for (let i = 0; i < n; i++) {
    let m = load<i32>(mIdx + (<usize>i << 2));
    let u1 = streamU01();
    let u2 = streamU01();
    let site = routeSite(blob, load<u32>(sliceWord + (<usize>m << 2)), dayTab, load<u32>(dayWord + (<usize>m << 2)),
      load<i32>(dIdx + (<usize>i << 2)), nDays, dayScale, u1, u2);
    store<i32>(outGroup + (<usize>i << 2), routedGroup);
    store<i32>(outSite + (<usize>i << 2), site);
  }
}

/**
 * S6 virtual-edge pick: arrival i of virtual merchant vIdx[i] (index into edgeWord; -1 = not virtual,
 * no pick) decodes u[i] against that merchant's edge alias slice [n, qbits, 0, 0] q[n] alias[n] in
 * edgeBlob. outEdge[i] = merchant-local edge index, or -1. One uniform per virtual arrival.
 */
export function k2bEdgePick(n: i32, vIdx: usize, u: usize, edgeWord: usize, edgeBlob: usize, outEdge: usize): void {
  for (let i = 0; i < n; i++) {
    let v = load<i32>(vIdx + (<usize>i << 2));
    let e: i32 = -1;
    if (v >= 0) {
      e = sliceWide(edgeBlob + (<usize>load<u32>(edgeWord + (<usize>v << 2)) << 2), load<f64>(u + (<usize>i << 3)));
    }
    store<i32>(outEdge + (<usize>i << 2), e);
  }
}
