/**
 * WebAssembly text of the SIMD kernels of `@ballast/domain-linalg`, generated rather than written by
 * hand because the register-tiled inner loops are long, regular unrollings. `tools/generate-gram-wasm.ts`
 * compiles this text with wabt into `src/lib/gram-wasm.generated.ts`; `src/lib/gram-wasm.spec.ts`
 * fails when the committed bytes no longer match this text.
 *
 * Only the MVP + fixed-width SIMD proposals (f64x2) are used: Node 20 enables both by default, and the
 * relaxed-SIMD fused multiply-add is not available there, so every multiply-add is `f64x2.mul` then
 * `f64x2.add`, rounding exactly as the JavaScript kernel's `s += x * y` does.
 */

/** Rows of a packed panel consumed per trip of the inner loop; panels are zero-padded to a multiple of it. */
export const ROW_UNROLL = 4;

const indent = (lines: readonly string[], depth: number): string[] =>
  lines.map((line) => `${'  '.repeat(depth)}${line}`);

/**
 * `gramTiles(a, b, acc, ld, len, gi0, gi1, gj0, gj1, lower)`: for every 4-column group `gi` in
 * [gi0, gi1) of panel `a` and `gj` in [gj0, gj1) of panel `b` (with `gj <= gi` when `lower` is not 0),
 * adds the 4 x 4 block `Σ_k a[k, 4gi + r] b[k, 4gj + c]` into the column-major f64 matrix at byte
 * address `acc` with leading dimension `ld` (element (i, j) at `acc + 8 (j ld + i)`).
 *
 * A panel holds `len` rows of 4-column groups, group-major and row-major inside a group: element
 * (k, 4g + c) at byte `8 (4 g len + 4 k + c)`, so a tile streams two contiguous runs. Per row the tile
 * loads the 4 `a` values as two f64x2 vectors and splats each `b` value (`v128.load64_splat`), 8
 * vector multiply-adds into 8 f64x2 accumulators (12 of the 15 XMM registers V8 allocates, so nothing
 * spills). `len` must be a positive multiple of {@link ROW_UNROLL}.
 */
function gramTiles(): string[] {
  const acc = (c: number, h: number) => `$s${c}${h}`;
  const locals: string[] = [];
  for (let c = 0; c < 4; c += 1) for (let h = 0; h < 2; h += 1) locals.push(`(local ${acc(c, h)} v128)`);
  const body: string[] = [];
  for (let u = 0; u < ROW_UNROLL; u += 1) {
    const o = u * 32;
    body.push(`(local.set $x0 (v128.load offset=${o} (local.get $pa)))`);
    body.push(`(local.set $x1 (v128.load offset=${o + 16} (local.get $pa)))`);
    for (let c = 0; c < 4; c += 1) {
      body.push(`(local.set $y (v128.load64_splat offset=${o + 8 * c} (local.get $pb)))`);
      for (let h = 0; h < 2; h += 1)
        body.push(
          `(local.set ${acc(c, h)} (f64x2.add (local.get ${acc(c, h)}) (f64x2.mul (local.get $x${h}) (local.get $y))))`,
        );
    }
  }
  const zero: string[] = [];
  for (let c = 0; c < 4; c += 1)
    for (let h = 0; h < 2; h += 1) zero.push(`(local.set ${acc(c, h)} (v128.const f64x2 0 0))`);
  const store: string[] = [];
  for (let c = 0; c < 4; c += 1) {
    for (let h = 0; h < 2; h += 1)
      store.push(
        `(v128.store offset=${16 * h} (local.get $out) (f64x2.add (v128.load offset=${16 * h} (local.get $out)) (local.get ${acc(c, h)})))`,
      );
    store.push(`(local.set $out (i32.add (local.get $out) (local.get $colBytes)))`);
  }
  return [
    '(func (export "gramTiles")',
    '  (param $a i32) (param $b i32) (param $acc i32) (param $ld i32) (param $len i32)',
    '  (param $gi0 i32) (param $gi1 i32) (param $gj0 i32) (param $gj1 i32) (param $lower i32)',
    '  (local $gi i32) (local $gj i32) (local $gjEnd i32) (local $pa i32) (local $pb i32) (local $end i32)',
    '  (local $panelBytes i32) (local $colBytes i32) (local $out i32)',
    '  (local $x0 v128) (local $x1 v128) (local $y v128)',
    ...indent(locals, 1),
    '  (local.set $panelBytes (i32.shl (local.get $len) (i32.const 5)))',
    '  (local.set $colBytes (i32.shl (local.get $ld) (i32.const 3)))',
    '  (local.set $gi (local.get $gi0))',
    '  (block $doneI',
    '    (loop $nextI',
    '      (br_if $doneI (i32.ge_u (local.get $gi) (local.get $gi1)))',
    '      (local.set $gjEnd (local.get $gj1))',
    '      (if (i32.and (i32.ne (local.get $lower) (i32.const 0)) (i32.lt_u (local.get $gi) (local.get $gj1)))',
    '        (then (local.set $gjEnd (i32.add (local.get $gi) (i32.const 1)))))',
    '      (local.set $gj (local.get $gj0))',
    '      (block $doneJ',
    '        (loop $nextJ',
    '          (br_if $doneJ (i32.ge_u (local.get $gj) (local.get $gjEnd)))',
    '          (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $gi) (local.get $panelBytes))))',
    '          (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $gj) (local.get $panelBytes))))',
    '          (local.set $end (i32.add (local.get $pa) (local.get $panelBytes)))',
    ...indent(zero, 5),
    '          (loop $nextK',
    ...indent(body, 6),
    `            (local.set $pa (i32.add (local.get $pa) (i32.const ${32 * ROW_UNROLL})))`,
    `            (local.set $pb (i32.add (local.get $pb) (i32.const ${32 * ROW_UNROLL})))`,
    '            (br_if $nextK (i32.lt_u (local.get $pa) (local.get $end))))',
    '          (local.set $out (i32.add (local.get $acc)',
    '            (i32.shl (i32.add (i32.mul (i32.shl (local.get $gj) (i32.const 2)) (local.get $ld))',
    '              (i32.shl (local.get $gi) (i32.const 2))) (i32.const 3))))',
    ...indent(store, 5),
    '          (local.set $gj (i32.add (local.get $gj) (i32.const 1)))',
    '          (br $nextJ)))',
    '      (local.set $gi (i32.add (local.get $gi) (i32.const 1)))',
    '      (br $nextI)))',
    ')',
  ];
}

/** The whole module: one exported, growable memory and the kernels. */
export function linalgWat(): string {
  return [
    ';; Generated by libs/domain/linalg/tools/gram-wat.ts; do not edit.',
    '(module',
    '  (memory (export "memory") 1)',
    ...indent(gramTiles(), 1),
    ')',
    '',
  ].join('\n');
}
