// Deterministic transcendental functions (AssemblyScript side).
//
// Why: wasm has no libm, and V8's Math.log/exp/cos differ from any libm we could
// link in the last ulp, so output bytes would depend on the host. These functions
// are written as the SAME sequence of IEEE-754 double operations as
// src/rng/fmath.ts (add/sub/mul/div/sqrt/floor and bit moves only; wasm has no FMA
// contraction), so wasm and the TypeScript reference agree bit for bit.
// Algorithms: fdlibm-style argument reduction + the classic minimax polynomials
// (accuracy < 1 ulp for log/exp/sin/cos); lgamma = exact table + Stirling series.
// KEEP IN LOCKSTEP WITH src/rng/fmath.ts: any edit here must be mirrored there.

// ---- bit helpers ------------------------------------------------------------

// @ts-ignore: decorator
@inline function hiWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >> 32);
}

// @ts-ignore: decorator
@inline function withHiWord(x: f64, hi: u32): f64 {
  return reinterpret<f64>((<u64>hi << 32) | (reinterpret<u64>(x) & 0xffffffff));
}

// ---- log ----------------------------------------------------------------------

const LN2_HI: f64 = 6.93147180369123816490e-01; // ln2 rounded to 32 bits: k*LN2_HI is exact
const LN2_LO: f64 = 1.90821492927058770002e-10; // ln2 - LN2_HI
const TWO54: f64 = 18014398509481984.0; // 2^54, lifts subnormals into the normal range
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

/** Natural log. log(x) = k*ln2 + log(1+f), 1+f in [sqrt(2)/2, sqrt(2)); log(1+f) via s = f/(2+f). */
export function fm_log(x: f64): f64 {
  let hx = <i32>hiWord(x);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, subnormal or negative
    if ((<u64>(reinterpret<u64>(x) << 1)) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = <i32>hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x; // +inf or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // choose the binade so that 1+f lands in [sqrt(2)/2, sqrt(2))
  let i = (hx + 0x95f64) & 0x100000;
  x = withHiWord(x, <u32>(hx | (i ^ 0x3ff00000)));
  k += i >> 20;
  let f = x - 1.0;
  let dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20: short series
    if (f == 0.0) {
      if (k == 0) return 0.0;
      return dk * LN2_HI + dk * LN2_LO;
    }
    let R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let t1 = w * (LG2 + w * (LG4 + w * LG6));
  let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  let R = t2 + t1;
  let j = (hx - 0x6147a) | (0x6b851 - hx); // > 0 when 1+f is far from 1 (use hfsq form)
  if (j > 0) {
    let hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

// ---- exp ----------------------------------------------------------------------

const EXP_OVER: f64 = 7.09782712893383973096e+02; // above: +inf
const EXP_UNDER: f64 = -7.45133219101941108420e+02; // below: 0
const INVLN2: f64 = 1.44269504088896338700e+00;
const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;
const TWOM1000: f64 = 9.33263618503218878990e-302; // 2^-1000, for subnormal results

/** e^x. x = k*ln2 + r, |r| <= ln2/2; e^r by a rational (Remez) form; scale by 2^k via the exponent bits. */
export function fm_exp(x: f64): f64 {
  let hx = hiWord(x);
  let neg = (hx >> 31) != 0;
  hx &= 0x7fffffff;
  let hi = 0.0;
  let lo = 0.0;
  let k: i32 = 0;
  if (hx >= 0x40862e42) {
    // |x| >= 709.78
    if (hx >= 0x7ff00000) {
      if (x != x) return x + x; // NaN
      return neg ? 0.0 : x; // exp(-inf) = 0, exp(+inf) = inf
    }
    if (x > EXP_OVER) return Infinity;
    if (x < EXP_UNDER) return 0.0;
  }
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2: reduce
    if (hx < 0x3ff0a2b2) {
      // |x| < 1.5 ln2: k = +-1
      if (!neg) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      // truncation toward zero of x/ln2 +- 0.5 = round to nearest
      k = <i32>(INVLN2 * x + (neg ? -0.5 : 0.5));
      let t = <f64>k;
      hi = x - t * LN2_HI; // exact: t*LN2_HI has <= 43 significant bits
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28: e^x = 1 + x to working precision
    return 1.0 + x;
  }
  let t = x * x;
  let c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  let y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    // add k to the biased exponent; y in (0.5, 2) so no overflow of the field
    return reinterpret<f64>(reinterpret<u64>(y) + (<u64>(<i64>k) << 52));
  }
  // result is subnormal: scale in two steps so the single rounding happens at the end
  return reinterpret<f64>(reinterpret<u64>(y) + (<u64>(<i64>(k + 1000)) << 52)) * TWOM1000;
}

// ---- sin / cos ----------------------------------------------------------------

const C1: f64 = 4.16666666666666019037e-02;
const C2: f64 = -1.38888888888741095749e-03;
const C3: f64 = 2.48015872894767294178e-05;
const C4: f64 = -2.75573143513906633035e-07;
const C5: f64 = 2.08757232129817482790e-09;
const C6: f64 = -1.13596475577881948265e-11;
const S1: f64 = -1.66666666666666324348e-01;
const S2: f64 = 8.33333333332248946124e-03;
const S3: f64 = -1.98412698298579493134e-04;
const S4: f64 = 2.75573137070700676789e-06;
const S5: f64 = -2.50507602534068634195e-08;
const S6: f64 = 1.58969099521155010221e-10;

/** cos(x + y) on |x| <= pi/4, y = tail of x. */
// @ts-ignore: decorator
@inline function kcos(x: f64, y: f64): f64 {
  let z = x * x;
  let w = z * z;
  let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  let hz = 0.5 * z;
  w = 1.0 - hz;
  return w + (((1.0 - w) - hz) + (z * r - x * y));
}

/** sin(x + y) on |x| <= pi/4, y = tail of x (ignored when iy == 0). */
// @ts-ignore: decorator
@inline function ksin(x: f64, y: f64, iy: i32): f64 {
  let z = x * x;
  let w = z * z;
  let r = (S2 + z * (S3 + z * S4)) + (z * w) * (S5 + z * S6);
  let v = z * x;
  if (iy == 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

const INVPIO2: f64 = 6.36619772367581382433e-01;
const PIO2_1: f64 = 1.57079632673412561417e+00; // first 33 bits of pi/2: n*PIO2_1 exact
const PIO2_1T: f64 = 6.07710050650619224932e-11; // pi/2 - PIO2_1
const PIO2_2: f64 = 6.07710050630396597660e-11; // second 33 bits
const PIO2_2T: f64 = 2.02226624879595063154e-21;
const PIO2_3: f64 = 2.02226624871116645580e-21; // third 33 bits
const PIO2_3T: f64 = 8.47842766036889956997e-32;

let remY0: f64 = 0.0;
let remY1: f64 = 0.0;

/**
 * x = n*pi/2 + (remY0 + remY1), |remY0 + remY1| <= ~pi/4; Cody-Waite with up to three
 * 33-bit pieces of pi/2 (fdlibm "medium" case), valid for |x| <= 2^20*pi/2.
 */
function remPio2(x: f64): i32 {
  let ix = hiWord(x) & 0x7fffffff;
  let t = Math.abs(x);
  let n = <i32>(t * INVPIO2 + 0.5);
  let fn = <f64>n;
  let r = t - fn * PIO2_1;
  let w = fn * PIO2_1T;
  let j = <i32>(ix >> 20);
  let y0 = r - w;
  // cancellation check: if the reduced value lost > 16 bits, refine with more bits of pi/2
  let i = j - <i32>((hiWord(y0) >> 20) & 0x7ff);
  if (i > 16) {
    let t2 = r;
    w = fn * PIO2_2;
    r = t2 - w;
    w = fn * PIO2_2T - ((t2 - r) - w);
    y0 = r - w;
    i = j - <i32>((hiWord(y0) >> 20) & 0x7ff);
    if (i > 49) {
      t2 = r;
      w = fn * PIO2_3;
      r = t2 - w;
      w = fn * PIO2_3T - ((t2 - r) - w);
      y0 = r - w;
    }
  }
  let y1 = (r - y0) - w;
  if (x < 0.0) {
    remY0 = -y0;
    remY1 = -y1;
    return -n;
  }
  remY0 = y0;
  remY1 = y1;
  return n;
}

/** cos(x). Accurate (< 1 ulp) for |x| <= 2^20*pi/2; NaN beyond (never needed: callers use [0, 2pi]). */
export function fm_cos(x: f64): f64 {
  let ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    // |x| <= pi/4
    if (ix < 0x3e46a09e) return 1.0; // |x| < 2^-27*sqrt(2)
    return kcos(x, 0.0);
  }
  if (ix >= 0x7ff00000) return x - x; // inf/NaN -> NaN
  if (ix > 0x413921fb) return NaN; // outside the supported reduction range
  let n = remPio2(x);
  let y0 = remY0;
  let y1 = remY1;
  switch (n & 3) {
    case 0: return kcos(y0, y1);
    case 1: return -ksin(y0, y1, 1);
    case 2: return -kcos(y0, y1);
    default: return ksin(y0, y1, 1);
  }
}

/** sin(x). Accurate (< 1 ulp) for |x| <= 2^20*pi/2; NaN beyond. */
export function fm_sin(x: f64): f64 {
  let ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    if (ix < 0x3e500000) return x; // |x| < 2^-26
    return ksin(x, 0.0, 0);
  }
  if (ix >= 0x7ff00000) return x - x;
  if (ix > 0x413921fb) return NaN;
  let n = remPio2(x);
  let y0 = remY0;
  let y1 = remY1;
  switch (n & 3) {
    case 0: return ksin(y0, y1, 1);
    case 1: return kcos(y0, y1);
    case 2: return -ksin(y0, y1, 1);
    default: return -kcos(y0, y1);
  }
}

// ---- lgamma -------------------------------------------------------------------

// lgamma(n) = ln((n-1)!) for n = 1..128, correctly rounded (computed offline at 300-bit
// precision). PTRS Poisson only ever asks for integer arguments, so most calls are one load.
const LGAMMA_TABLE_N: i32 = 128;
const LGAMMA_TABLE: usize = memory.data<f64>([
  0.0, 0.0, 0.6931471805599453, 1.791759469228055,
  3.1780538303479458, 4.787491742782046, 6.579251212010101, 8.525161361065415,
  10.60460290274525, 12.801827480081469, 15.104412573075516, 17.502307845873887,
  19.987214495661885, 22.552163853123425, 25.19122118273868, 27.89927138384089,
  30.671860106080672, 33.50507345013689, 36.39544520803305, 39.339884187199495,
  42.335616460753485, 45.38013889847691, 48.47118135183523, 51.60667556776438,
  54.78472939811232, 58.00360522298052, 61.261701761002, 64.55753862700634,
  67.88974313718154, 71.25703896716801, 74.65823634883016, 78.0922235533153,
  81.55795945611504, 85.05446701758152, 88.58082754219768, 92.1361756036871,
  95.7196945421432, 99.33061245478743, 102.96819861451381, 106.63176026064346,
  110.32063971475739, 114.0342117814617, 117.77188139974507, 121.53308151543864,
  125.3172711493569, 129.12393363912722, 132.95257503561632, 136.80272263732635,
  140.67392364823425, 144.5657439463449, 148.47776695177302, 152.40959258449735,
  156.3608363030788, 160.3311282166309, 164.32011226319517, 168.32744544842765,
  172.3527971391628, 176.39584840699735, 180.45629141754378, 184.53382886144948,
  188.6281734236716, 192.7390472878449, 196.86618167289, 201.00931639928152,
  205.1681994826412, 209.34258675253685, 213.53224149456327, 217.73693411395422,
  221.95644181913033, 226.1905483237276, 230.43904356577696, 234.70172344281826,
  238.97838956183432, 243.2688490029827, 247.57291409618688, 251.8904022097232,
  256.22113555000954, 260.5649409718632, 264.9216497985528, 269.2910976510198,
  273.6731242856937, 278.0675734403661, 282.4742926876304, 286.893133295427,
  291.3239500942703, 295.76660135076065, 300.22094864701415, 304.6868567656687,
  309.1641935801469, 313.65282994987905, 318.1526396202093, 322.66349912672615,
  327.1852877037752, 331.7178871969285, 336.26118197919845, 340.815058870799,
  345.37940706226686, 349.95411804077025, 354.5390855194408, 359.1342053695754,
  363.73937555556347, 368.35449607240474, 372.979468885689, 377.61419787391867,
  382.25858877306, 386.91254912321756, 391.5759882173296, 396.24881705179155,
  400.93094827891576, 405.6222961611449, 410.32277652693733, 415.03230672824964,
  419.7508055995447, 424.4781934182571, 429.21439186665157, 433.9593239950148,
  438.71291418612117, 443.47508812091894, 448.2457727453846, 453.0248962384961,
  457.81238798127816, 462.6081785268749, 467.4121995716082, 472.2243839269806,
  477.04466549258564, 481.87297922988796, 486.7092611368394, 491.553448223298,
]);

const STIRLING_MIN: f64 = 16.0; // below this, shift up by the recurrence Gamma(x+1) = x Gamma(x)
const HALF_LOG_2PI: f64 = 0.9189385332046728;
const ST1: f64 = 0.08333333333333333; // 1/12
const ST2: f64 = -0.002777777777777778; // -1/360
const ST3: f64 = 0.0007936507936507937; // 1/1260
const ST4: f64 = -0.0005952380952380953; // -1/1680
const ST5: f64 = 0.0008417508417508417; // 1/1188
const ST6: f64 = -0.0019175269175269176; // -691/360360
const ST7: f64 = 0.00641025641025641; // 1/156

/**
 * ln Gamma(x) for x > 0 (NaN otherwise). Integers 1..128: exact table. Else Stirling's
 * series through the 1/x^13 term at y = x + m >= 16 (truncation < 1e-18), minus
 * ln(x (x+1) ... (x+m-1)) when x < 16. Error (checked against 200-bit values): integers
 * 1..128 correctly rounded; x >= 16 within 2 ulp; non-integer x < 16 absolute error below
 * 2e-14 (the shift subtracts two numbers of size ~25), so not ulp-accurate near the roots 1, 2.
 */
export function fm_lgamma(x: f64): f64 {
  if (!(x > 0.0)) return NaN;
  if (x <= <f64>LGAMMA_TABLE_N && x == Math.floor(x)) {
    return load<f64>(LGAMMA_TABLE + ((<usize>(<i32>x - 1)) << 3));
  }
  if (x == Infinity) return Infinity;
  let y = x;
  let p = 1.0;
  let shifted = false;
  while (y < STIRLING_MIN) {
    p *= y;
    y += 1.0;
    shifted = true;
  }
  let z = 1.0 / (y * y);
  let series = (1.0 / y) * (ST1 + z * (ST2 + z * (ST3 + z * (ST4 + z * (ST5 + z * (ST6 + z * ST7))))));
  let r = (((y - 0.5) * fm_log(y) - y) + HALF_LOG_2PI) + series;
  if (shifted) r = r - fm_log(p);
  return r;
}

// ---- -ln(u) for u in (0, 1), table-driven (no division) -----------------------
// For the 5B arrival walk, which needs one Exp(1) gap per arrival: fm_log's division and branches
// cost more than the rest of an arrival. u = 2^e * y, y in [1, 2); c_i = 1 + (i + 0.5)/128 for the
// top 7 mantissa bits i; ln y = ln c_i + ln(1 + r), r = y/c_i - 1 in about ±2^-8, by a degree-5
// series (truncation < 1e-15). INVC/LOGC are computed once from fm_log and one IEEE division, the
// same operations as src/rng/fmath.ts, so both sides agree bit for bit.
const NEGLOG_INVC: usize = memory.data(128 * 8);
const NEGLOG_LOGC: usize = memory.data(128 * 8);
let neglogReady: bool = false;
const LN2: f64 = 0.6931471805599453;

function neglogInit(): void {
  for (let i = 0; i < 128; i++) {
    let c = 1.0 + (<f64>i + 0.5) / 128.0;
    store<f64>(NEGLOG_INVC + (<usize>i << 3), 1.0 / c);
    store<f64>(NEGLOG_LOGC + (<usize>i << 3), fm_log(c));
  }
  neglogReady = true;
}

/** -ln(u) for u in (0, 1) (normal doubles): an Exp(1) variate from a uniform. */
// @ts-ignore: decorator
@inline
export function fm_neglog_u01(u: f64): f64 {
  if (!neglogReady) neglogInit();
  let b = reinterpret<u64>(u);
  let e = <i32>(b >> 52) - 1023;
  let i = <usize>((b >> 45) & 127);
  let y = reinterpret<f64>((b & 0x000fffffffffffff) | 0x3ff0000000000000);
  let r = y * load<f64>(NEGLOG_INVC + (i << 3)) - 1.0;
  let p = r * (1.0 + r * (-0.5 + r * (0.3333333333333333 + r * (-0.25 + r * 0.2))));
  return -((<f64>e * LN2 + load<f64>(NEGLOG_LOGC + (i << 3))) + p);
}

/** fm_neglog_u01 on both f64 lanes of u, with the same operations in the same order (bit-identical). */
// @ts-ignore: decorator
@inline
export function fm_neglog_u01x2(u: v128): v128 {
  if (!neglogReady) neglogInit();
  let e = f64x2.convert_low_i32x4_s(i32x4.sub(i32x4.shr_u(v128.shuffle<i32>(u, u, 1, 3, 1, 3), 20), i32x4.splat(1023)));
  let ix = v128.and(i64x2.shr_u(u, 45), i64x2.splat(127));
  let i0 = <usize>i64x2.extract_lane(ix, 0) << 3, i1 = <usize>i64x2.extract_lane(ix, 1) << 3;
  let invc = f64x2.replace_lane(f64x2.splat(load<f64>(NEGLOG_INVC + i0)), 1, load<f64>(NEGLOG_INVC + i1));
  let logc = f64x2.replace_lane(f64x2.splat(load<f64>(NEGLOG_LOGC + i0)), 1, load<f64>(NEGLOG_LOGC + i1));
  let y = v128.or(v128.and(u, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  let r = f64x2.sub(f64x2.mul(y, invc), f64x2.splat(1.0));
  let t = f64x2.add(f64x2.splat(-0.25), f64x2.mul(r, f64x2.splat(0.2)));
  t = f64x2.add(f64x2.splat(0.3333333333333333), f64x2.mul(r, t));
  t = f64x2.add(f64x2.splat(-0.5), f64x2.mul(r, t));
  t = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, t));
  let p = f64x2.mul(r, t);
  return f64x2.neg(f64x2.add(f64x2.add(f64x2.mul(e, f64x2.splat(LN2)), logc), p));
}
