import type { TileBackend } from './gram-panels';

/**
 * The JavaScript tile routine, statement for statement the WebAssembly kernel of
 * tools/gram-wat.ts on a Float64Array: the fallback where WebAssembly SIMD is unavailable, and the
 * reference the SIMD kernel is tested against. 16 scalar accumulators per 4 x 4 tile, 16
 * multiply-adds per 8 loads.
 */
export const jsTileBackend: TileBackend = {
  // A fresh array per product: the fallback keeps no memory alive between calls.
  reserve: (elements) => new Float64Array(elements),
  tiles(m, a, b, acc, ld, lenP, gi0, gi1, gj0, gj1, lower, negate) {
    const panelSize = 4 * lenP;
    for (let gi = gi0; gi < gi1; gi += 1) {
      const gjEnd = lower && gi < gj1 ? gi + 1 : gj1;
      for (let gj = gj0; gj < gjEnd; gj += 1) {
        let pa = a + gi * panelSize;
        let pb = b + gj * panelSize;
        const end = pa + panelSize;
        let s00 = 0;
        let s01 = 0;
        let s02 = 0;
        let s03 = 0;
        let s10 = 0;
        let s11 = 0;
        let s12 = 0;
        let s13 = 0;
        let s20 = 0;
        let s21 = 0;
        let s22 = 0;
        let s23 = 0;
        let s30 = 0;
        let s31 = 0;
        let s32 = 0;
        let s33 = 0;
        // s{c}{r}: column 4gj + c of b against column 4gi + r of a, as the SIMD kernel's lanes.
        for (; pa < end; pa += 4, pb += 4) {
          const x0 = m[pa] as number;
          const x1 = m[pa + 1] as number;
          const x2 = m[pa + 2] as number;
          const x3 = m[pa + 3] as number;
          const y0 = m[pb] as number;
          const y1 = m[pb + 1] as number;
          const y2 = m[pb + 2] as number;
          const y3 = m[pb + 3] as number;
          s00 += x0 * y0;
          s01 += x1 * y0;
          s02 += x2 * y0;
          s03 += x3 * y0;
          s10 += x0 * y1;
          s11 += x1 * y1;
          s12 += x2 * y1;
          s13 += x3 * y1;
          s20 += x0 * y2;
          s21 += x1 * y2;
          s22 += x2 * y2;
          s23 += x3 * y2;
          s30 += x0 * y3;
          s31 += x1 * y3;
          s32 += x2 * y3;
          s33 += x3 * y3;
        }
        if (negate) {
          s00 = -s00;
          s01 = -s01;
          s02 = -s02;
          s03 = -s03;
          s10 = -s10;
          s11 = -s11;
          s12 = -s12;
          s13 = -s13;
          s20 = -s20;
          s21 = -s21;
          s22 = -s22;
          s23 = -s23;
          s30 = -s30;
          s31 = -s31;
          s32 = -s32;
          s33 = -s33;
        }
        let o = acc + 4 * gj * ld + 4 * gi;
        m[o] = (m[o] as number) + s00;
        m[o + 1] = (m[o + 1] as number) + s01;
        m[o + 2] = (m[o + 2] as number) + s02;
        m[o + 3] = (m[o + 3] as number) + s03;
        o += ld;
        m[o] = (m[o] as number) + s10;
        m[o + 1] = (m[o + 1] as number) + s11;
        m[o + 2] = (m[o + 2] as number) + s12;
        m[o + 3] = (m[o + 3] as number) + s13;
        o += ld;
        m[o] = (m[o] as number) + s20;
        m[o + 1] = (m[o + 1] as number) + s21;
        m[o + 2] = (m[o + 2] as number) + s22;
        m[o + 3] = (m[o + 3] as number) + s23;
        o += ld;
        m[o] = (m[o] as number) + s30;
        m[o + 1] = (m[o + 1] as number) + s31;
        m[o + 2] = (m[o + 2] as number) + s32;
        m[o + 3] = (m[o + 3] as number) + s33;
      }
    }
  },
};
