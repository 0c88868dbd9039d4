// Deterministic transcendental functions (TypeScript reference side).
//
// Why: V8's Math.log/exp/cos and anything linked into wasm differ in the last ulp, so
// output bytes would depend on the host. These are the SAME sequence of IEEE-754 double
// operations as assembly/math/fmath.ts (add/sub/mul/div/sqrt/floor and bit moves only;
// V8 never contracts to FMA), so the TypeScript reference and the wasm kernels agree bit
// for bit. Algorithms: fdlibm-style argument reduction + the classic minimax polynomials
// (< 1 ulp for log/exp/sin/cos); lgamma = exact table + Stirling series.
// KEEP IN LOCKSTEP WITH assembly/math/fmath.ts: any edit here must be mirrored there.

// ---- bit helpers (one shared scratch double) -----------------------------------------

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// word order of a double in a typed array follows platform endianness
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

function hiWord(x: number): number {
  F64[0] = x;
  return U32[HI]!;
}

function withHiWord(x: number, hi: number): number {
  F64[0] = x;
  U32[HI] = hi;
  return F64[0]!;
}

// ---- log -------------------------------------------------------------------------------

const LN2_HI = 6.9314718036912381649e-1; // ln2 rounded to 32 bits: k*LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10; // ln2 - LN2_HI
const TWO54 = 18014398509481984.0; // 2^54, lifts subnormals into the normal range
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Natural log. log(x) = k*ln2 + log(1+f), 1+f in [sqrt(2)/2, sqrt(2)); log(1+f) via s = f/(2+f). */
export function fm_log(x: number): number {
  F64[0] = x;
  let hx = U32[HI]! | 0;
  const lx = U32[LO]!;
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, subnormal or negative
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = hiWord(x) | 0;
  }
  if (hx >= 0x7ff00000) return x + x; // +inf or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // choose the binade so that 1+f lands in [sqrt(2)/2, sqrt(2))
  const i = (hx + 0x95f64) & 0x100000;
  x = withHiWord(x, (hx | (i ^ 0x3ff00000)) >>> 0);
  k += i >> 20;
  const f = x - 1.0;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20: short series
    if (f === 0.0) {
      if (k === 0) return 0.0;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k === 0) return f - R;
    return dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const j = (hx - 0x6147a) | (0x6b851 - hx); // > 0 when 1+f is far from 1 (use hfsq form)
  if (j > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

// ---- exp -------------------------------------------------------------------------------

const EXP_OVER = 7.09782712893383973096e2; // above: +inf
const EXP_UNDER = -7.4513321910194110842e2; // below: 0
const INVLN2 = 1.442695040888963387;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;
const TWOM1000 = 9.3326361850321887899e-302; // 2^-1000, for subnormal results

/** e^x. x = k*ln2 + r, |r| <= ln2/2; e^r by a rational (Remez) form; scale by 2^k via the exponent bits. */
export function fm_exp(x: number): number {
  let hx = hiWord(x);
  const neg = hx >>> 31 !== 0;
  hx &= 0x7fffffff;
  let hi = 0.0;
  let lo = 0.0;
  let k = 0;
  if (hx >= 0x40862e42) {
    // |x| >= 709.78
    if (hx >= 0x7ff00000) {
      if (x !== x) return x + x; // NaN
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
      // truncation toward zero of x/ln2 +- 0.5 = round to nearest (same as wasm i32.trunc)
      k = (INVLN2 * x + (neg ? -0.5 : 0.5)) | 0;
      const t = k;
      hi = x - t * LN2_HI; // exact: t*LN2_HI has <= 43 significant bits
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28: e^x = 1 + x to working precision
    return 1.0 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - (lo - (x * c) / (2.0 - c) - hi);
  if (k >= -1021) {
    // add k to the biased exponent; y in (0.5, 2) so no overflow of the field
    return withHiWord(y, (hiWord(y) + (k << 20)) >>> 0);
  }
  // result is subnormal: scale in two steps so the single rounding happens at the end
  return withHiWord(y, (hiWord(y) + ((k + 1000) << 20)) >>> 0) * TWOM1000;
}

// ---- sin / cos -------------------------------------------------------------------------

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/** cos(x + y) on |x| <= pi/4, y = tail of x. */
function kcos(x: number, y: number): number {
  const z = x * x;
  let w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  w = 1.0 - hz;
  return w + (1.0 - w - hz + (z * r - x * y));
}

/** sin(x + y) on |x| <= pi/4, y = tail of x (ignored when iy == 0). */
function ksin(x: number, y: number, iy: number): number {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const INVPIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417; // first 33 bits of pi/2: n*PIO2_1 exact
const PIO2_1T = 6.07710050650619224932e-11; // pi/2 - PIO2_1
const PIO2_2 = 6.0771005063039659766e-11; // second 33 bits
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.0222662487111664558e-21; // third 33 bits
const PIO2_3T = 8.47842766036889956997e-32;

let remY0 = 0.0;
let remY1 = 0.0;

/**
 * x = n*pi/2 + (remY0 + remY1), |remY0 + remY1| <= ~pi/4; Cody-Waite with up to three
 * 33-bit pieces of pi/2 (fdlibm "medium" case), valid for |x| <= 2^20*pi/2.
 */
function remPio2(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  const t = Math.abs(x);
  const n = (t * INVPIO2 + 0.5) | 0;
  const fn = n;
  let r = t - fn * PIO2_1;
  let w = fn * PIO2_1T;
  const j = ix >> 20;
  let y0 = r - w;
  // cancellation check: if the reduced value lost > 16 bits, refine with more bits of pi/2
  let i = j - ((hiWord(y0) >>> 20) & 0x7ff);
  if (i > 16) {
    let t2 = r;
    w = fn * PIO2_2;
    r = t2 - w;
    w = fn * PIO2_2T - (t2 - r - w);
    y0 = r - w;
    i = j - ((hiWord(y0) >>> 20) & 0x7ff);
    if (i > 49) {
      t2 = r;
      w = fn * PIO2_3;
      r = t2 - w;
      w = fn * PIO2_3T - (t2 - r - w);
      y0 = r - w;
    }
  }
  const y1 = r - y0 - w;
  if (x < 0.0) {
    remY0 = -y0;
    remY1 = -y1;
    return -n;
  }
  remY0 = y0;
  remY1 = y1;
  return n;
}

/** x^y for x ≥ 0 as exp(y·log x): our own, so weights built from policy exponents never meet the host's pow. */
export function fm_pow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 0) return y > 0 ? 0 : Infinity;
  if (!(x > 0)) return NaN;
  return fm_exp(y * fm_log(x));
}

/** cos(x). Accurate (< 1 ulp) for |x| <= 2^20*pi/2; NaN beyond (never needed: callers use [0, 2pi]). */
export function fm_cos(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    // |x| <= pi/4
    if (ix < 0x3e46a09e) return 1.0; // |x| < 2^-27*sqrt(2)
    return kcos(x, 0.0);
  }
  if (ix >= 0x7ff00000) return x - x; // inf/NaN -> NaN
  if (ix > 0x413921fb) return NaN; // outside the supported reduction range
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return kcos(remY0, remY1);
    case 1:
      return -ksin(remY0, remY1, 1);
    case 2:
      return -kcos(remY0, remY1);
    default:
      return ksin(remY0, remY1, 1);
  }
}

/** sin(x). Accurate (< 1 ulp) for |x| <= 2^20*pi/2; NaN beyond. */
export function fm_sin(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    if (ix < 0x3e500000) return x; // |x| < 2^-26
    return ksin(x, 0.0, 0);
  }
  if (ix >= 0x7ff00000) return x - x;
  if (ix > 0x413921fb) return NaN;
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return ksin(remY0, remY1, 1);
    case 1:
      return kcos(remY0, remY1);
    case 2:
      return -ksin(remY0, remY1, 1);
    default:
      return -kcos(remY0, remY1);
  }
}

// ---- lgamma ----------------------------------------------------------------------------

// lgamma(n) = ln((n-1)!) for n = 1..128, correctly rounded (computed offline at 300-bit
// precision). PTRS Poisson only ever asks for integer arguments, so most calls are one load.
const LGAMMA_TABLE_N = 128;
const LGAMMA_TABLE = new Float64Array([
  0.0, 0.0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458, 4.787491742782046, 6.579251212010101, 8.525161361065415, 10.60460290274525,
  12.801827480081469, 15.104412573075516, 17.502307845873887, 19.987214495661885, 22.552163853123425, 25.19122118273868, 27.89927138384089, 30.671860106080672,
  33.50507345013689, 36.39544520803305, 39.339884187199495, 42.335616460753485, 45.38013889847691, 48.47118135183523, 51.60667556776438, 54.78472939811232,
  58.00360522298052, 61.261701761002, 64.55753862700634, 67.88974313718154, 71.25703896716801, 74.65823634883016, 78.0922235533153, 81.55795945611504,
  85.05446701758152, 88.58082754219768, 92.1361756036871, 95.7196945421432, 99.33061245478743, 102.96819861451381, 106.63176026064346, 110.32063971475739,
  114.0342117814617, 117.77188139974507, 121.53308151543864, 125.3172711493569, 129.12393363912722, 132.95257503561632, 136.80272263732635, 140.67392364823425,
  144.5657439463449, 148.47776695177302, 152.40959258449735, 156.3608363030788, 160.3311282166309, 164.32011226319517, 168.32744544842765, 172.3527971391628,
  176.39584840699735, 180.45629141754378, 184.53382886144948, 188.6281734236716, 192.7390472878449, 196.86618167289, 201.00931639928152, 205.1681994826412,
  209.34258675253685, 213.53224149456327, 217.73693411395422, 221.95644181913033, 226.1905483237276, 230.43904356577696, 234.70172344281826, 238.97838956183432,
  243.2688490029827, 247.57291409618688, 251.8904022097232, 256.22113555000954, 260.5649409718632, 264.9216497985528, 269.2910976510198, 273.6731242856937,
  278.0675734403661, 282.4742926876304, 286.893133295427, 291.3239500942703, 295.76660135076065, 300.22094864701415, 304.6868567656687, 309.1641935801469,
  313.65282994987905, 318.1526396202093, 322.66349912672615, 327.1852877037752, 331.7178871969285, 336.26118197919845, 340.815058870799, 345.37940706226686,
  349.95411804077025, 354.5390855194408, 359.1342053695754, 363.73937555556347, 368.35449607240474, 372.979468885689, 377.61419787391867, 382.25858877306,
  386.91254912321756, 391.5759882173296, 396.24881705179155, 400.93094827891576, 405.6222961611449, 410.32277652693733, 415.03230672824964, 419.7508055995447,
  424.4781934182571, 429.21439186665157, 433.9593239950148, 438.71291418612117, 443.47508812091894, 448.2457727453846, 453.0248962384961, 457.81238798127816,
  462.6081785268749, 467.4121995716082, 472.2243839269806, 477.04466549258564, 481.87297922988796, 486.7092611368394, 491.553448223298,
]);

const STIRLING_MIN = 16.0; // below this, shift up by the recurrence Gamma(x+1) = x Gamma(x)
const HALF_LOG_2PI = 0.9189385332046728;
const ST1 = 0.08333333333333333; // 1/12
const ST2 = -0.002777777777777778; // -1/360
const ST3 = 0.0007936507936507937; // 1/1260
const ST4 = -0.0005952380952380953; // -1/1680
const ST5 = 0.0008417508417508417; // 1/1188
const ST6 = -0.0019175269175269176; // -691/360360
const ST7 = 0.00641025641025641; // 1/156

/**
 * ln Gamma(x) for x > 0 (NaN otherwise). Integers 1..128: exact table. Else Stirling's
 * series through the 1/x^13 term at y = x + m >= 16 (truncation < 1e-18), minus
 * ln(x (x+1) ... (x+m-1)) when x < 16. Error (checked against 200-bit values): integers
 * 1..128 correctly rounded; x >= 16 within 2 ulp; non-integer x < 16 absolute error below
 * 2e-14 (the shift subtracts two numbers of size ~25), so not ulp-accurate near the roots 1, 2.
 */
export function fm_lgamma(x: number): number {
  if (!(x > 0.0)) return NaN;
  if (x <= LGAMMA_TABLE_N && x === Math.floor(x)) return LGAMMA_TABLE[x - 1]!;
  if (x === Infinity) return Infinity;
  let y = x;
  let p = 1.0;
  let shifted = false;
  while (y < STIRLING_MIN) {
    p *= y;
    y += 1.0;
    shifted = true;
  }
  const z = 1.0 / (y * y);
  const series = (1.0 / y) * (ST1 + z * (ST2 + z * (ST3 + z * (ST4 + z * (ST5 + z * (ST6 + z * ST7))))));
  let r = (y - 0.5) * fm_log(y) - y + HALF_LOG_2PI + series;
  if (shifted) r = r - fm_log(p);
  return r;
}

// ---- -ln(u) for u in (0, 1), table-driven (no division) -----------------------
// Twin of assembly/math/fmath.ts fm_neglog_u01 (see there for why and how).
const NEGLOG_INVC = new Float64Array(128);
const NEGLOG_LOGC = new Float64Array(128);
for (let i = 0; i < 128; i++) {
  const c = 1.0 + (i + 0.5) / 128.0;
  NEGLOG_INVC[i] = 1.0 / c;
  NEGLOG_LOGC[i] = fm_log(c);
}
const LN2 = 0.6931471805599453;

/** -ln(u) for u in (0, 1) (normal doubles): an Exp(1) variate from a uniform. */
export function fm_neglog_u01(u: number): number {
  F64[0] = u;
  const hi = U32[HI]!;
  const e = (hi >>> 20) - 1023;
  const i = (hi >>> 13) & 127;
  U32[HI] = (hi & 0x000fffff) | 0x3ff00000;
  const y = F64[0]!;
  const r = y * NEGLOG_INVC[i]! - 1.0;
  const p = r * (1.0 + r * (-0.5 + r * (0.3333333333333333 + r * (-0.25 + r * 0.2))));
  return -(e * LN2 + NEGLOG_LOGC[i]! + p);
}
