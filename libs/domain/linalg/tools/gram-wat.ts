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
 * `gramTiles(a, b, acc, ld, len, gi0, gi1, gj0, gj1, lower, negate)`: for every 4-column group `gi`
 * in [gi0, gi1) of panel `a` and `gj` in [gj0, gj1) of panel `b` (with `gj <= gi` when `lower` is not
 * 0), adds the 4 x 4 block `Σ_k a[k, 4gi + r] b[k, 4gj + c]` (its negation when `negate` is not 0:
 * `x + (-s)` is exactly `x - s`) into the column-major f64 matrix at byte address `acc` with leading
 * dimension `ld` (element (i, j) at `acc + 8 (j ld + i)`).
 *
 * A panel holds `len` rows of 4-column groups, group-major and row-major inside a group: element
 * (k, 4g + c) at byte `8 (4 g len + 4 k + c)`, so a tile streams two contiguous runs. Per row the tile
 * loads the 4 `a` values as two f64x2 vectors and splats each `b` value (`f64x2.splat`), 8
 * vector multiply-adds into 8 f64x2 accumulators (12 of the 15 XMM registers V8 allocates; TurboFan
 * still hoists the loads of the 4 unrolled rows and spills a few, which measured cheaper than unrolling
 * 1, 2 or 8 rows). `len` must be a positive multiple of {@link ROW_UNROLL}.
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
      // f64.load + f64x2.splat rather than v128.load64_splat: V8 11 (Node 20) does not fold the
      // offset of a load-splat into the address, so every offset took a base register of its own and
      // the tile spilled them (measured 5.4 against 7.5 G multiply-adds/s for this form).
      body.push(`(local.set $y (f64x2.splat (f64.load offset=${o + 8 * c} (local.get $pb))))`);
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
  const negate: string[] = [];
  for (let c = 0; c < 4; c += 1)
    for (let h = 0; h < 2; h += 1)
      negate.push(`(local.set ${acc(c, h)} (f64x2.neg (local.get ${acc(c, h)})))`);
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
    '  (param $gi0 i32) (param $gi1 i32) (param $gj0 i32) (param $gj1 i32) (param $lower i32) (param $negate i32)',
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
    '          (if (i32.ne (local.get $negate) (i32.const 0)) (then',
    ...indent(negate, 6),
    '          ))',
    ...indent(store, 5),
    '          (local.set $gj (i32.add (local.get $gj) (i32.const 1)))',
    '          (br $nextJ)))',
    '      (local.set $gi (i32.add (local.get $gi) (i32.const 1)))',
    '      (br $nextI)))',
    ')',
  ];
}

/**
 * `tridiagonalRows(a, n, off, v, q, pv, pq)`: one step of the Householder tridiagonalisation of
 * src/lib/tridiagonal.ts over rows [off, n) of the row-major `n x n` matrix at byte address `a`
 * (upper triangle), two rows per pass: applies the pending rank-2 update `A -= pv pqᵀ + pq pvᵀ` to
 * each row and, in the same pass, accumulates `q += A v` (the symmetric product, from the upper
 * triangle) for the next reflector `v`. `v`, `q`, `pv`, `pq` are byte addresses of f64 vectors
 * indexed by global row. The columns right of the 2 x 2 diagonal block are taken two at a time as
 * f64x2 (even and odd lanes summed separately, then lane 0 + lane 1, then the odd column left over);
 * the JavaScript mirror in tridiagonal.ts adds in exactly this order.
 */
function tridiagonalRows(): string[] {
  const f = (name: string) => `(local.get $${name})`;
  const loadAt = (base: string, index: string) =>
    `(f64.load (i32.add (local.get $${base}) (i32.shl (local.get $${index}) (i32.const 3))))`;
  return [
    '(func (export "tridiagonalRows")',
    '  (param $a i32) (param $n i32) (param $off i32) (param $v i32) (param $q i32) (param $pv i32) (param $pq i32)',
    '  (local $gi i32) (local $g1 i32) (local $row0 i32) (local $row1 i32) (local $j i32) (local $jb i32)',
    '  (local $v0 f64) (local $v1 f64) (local $pv0 f64) (local $pq0 f64) (local $pv1 f64) (local $pq1 f64)',
    '  (local $a00 f64) (local $a01 f64) (local $a11 f64) (local $s0 f64) (local $s1 f64)',
    '  (local $x0 f64) (local $x1 f64) (local $vj f64) (local $pvj f64) (local $pqj f64)',
    '  (local $V0 v128) (local $V1 v128) (local $PV0 v128) (local $PQ0 v128) (local $PV1 v128) (local $PQ1 v128)',
    '  (local $L0 v128) (local $L1 v128) (local $X0 v128) (local $X1 v128) (local $VJ v128) (local $PVJ v128) (local $PQJ v128)',
    '  (local.set $gi (local.get $off))',
    '  (block $doneRows',
    '    (loop $nextRows',
    '      (br_if $doneRows (i32.ge_u (i32.add (local.get $gi) (i32.const 1)) (local.get $n)))',
    '      (local.set $g1 (i32.add (local.get $gi) (i32.const 1)))',
    '      (local.set $row0 (i32.add (local.get $a) (i32.shl (i32.mul (local.get $gi) (local.get $n)) (i32.const 3))))',
    '      (local.set $row1 (i32.add (local.get $row0) (i32.shl (local.get $n) (i32.const 3))))',
    `      (local.set $v0 ${loadAt('v', 'gi')})`,
    `      (local.set $v1 ${loadAt('v', 'g1')})`,
    `      (local.set $pv0 ${loadAt('pv', 'gi')})`,
    `      (local.set $pq0 ${loadAt('pq', 'gi')})`,
    `      (local.set $pv1 ${loadAt('pv', 'g1')})`,
    `      (local.set $pq1 ${loadAt('pq', 'g1')})`,
    `      (local.set $a00 (f64.sub ${loadAt('row0', 'gi')} (f64.mul (f64.mul (f64.const 2) ${f('pv0')}) ${f('pq0')})))`,
    `      (local.set $a01 (f64.sub (f64.sub ${loadAt('row0', 'g1')} (f64.mul ${f('pv0')} ${f('pq1')})) (f64.mul ${f('pq0')} ${f('pv1')})))`,
    `      (local.set $a11 (f64.sub ${loadAt('row1', 'g1')} (f64.mul (f64.mul (f64.const 2) ${f('pv1')}) ${f('pq1')})))`,
    `      (f64.store (i32.add ${f('row0')} (i32.shl ${f('gi')} (i32.const 3))) ${f('a00')})`,
    `      (f64.store (i32.add ${f('row0')} (i32.shl ${f('g1')} (i32.const 3))) ${f('a01')})`,
    `      (f64.store (i32.add ${f('row1')} (i32.shl ${f('g1')} (i32.const 3))) ${f('a11')})`,
    `      (local.set $s0 (f64.add (f64.mul ${f('a00')} ${f('v0')}) (f64.mul ${f('a01')} ${f('v1')})))`,
    `      (local.set $s1 (f64.add (f64.mul ${f('a01')} ${f('v0')}) (f64.mul ${f('a11')} ${f('v1')})))`,
    ...['v0', 'v1', 'pv0', 'pq0', 'pv1', 'pq1'].map(
      (name) => `      (local.set $${name.toUpperCase()} (f64x2.splat ${f(name)}))`,
    ),
    '      (local.set $L0 (v128.const f64x2 0 0))',
    '      (local.set $L1 (v128.const f64x2 0 0))',
    '      (local.set $j (i32.add (local.get $gi) (i32.const 2)))',
    '      (block $donePairs',
    '        (loop $nextPair',
    '          (br_if $donePairs (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $n)))',
    '          (local.set $jb (i32.shl (local.get $j) (i32.const 3)))',
    '          (local.set $PVJ (v128.load (i32.add (local.get $pv) (local.get $jb))))',
    '          (local.set $PQJ (v128.load (i32.add (local.get $pq) (local.get $jb))))',
    '          (local.set $VJ (v128.load (i32.add (local.get $v) (local.get $jb))))',
    '          (local.set $X0 (f64x2.sub (f64x2.sub (v128.load (i32.add (local.get $row0) (local.get $jb)))',
    '            (f64x2.mul (local.get $PV0) (local.get $PQJ))) (f64x2.mul (local.get $PQ0) (local.get $PVJ))))',
    '          (local.set $X1 (f64x2.sub (f64x2.sub (v128.load (i32.add (local.get $row1) (local.get $jb)))',
    '            (f64x2.mul (local.get $PV1) (local.get $PQJ))) (f64x2.mul (local.get $PQ1) (local.get $PVJ))))',
    '          (v128.store (i32.add (local.get $row0) (local.get $jb)) (local.get $X0))',
    '          (v128.store (i32.add (local.get $row1) (local.get $jb)) (local.get $X1))',
    '          (local.set $L0 (f64x2.add (local.get $L0) (f64x2.mul (local.get $X0) (local.get $VJ))))',
    '          (local.set $L1 (f64x2.add (local.get $L1) (f64x2.mul (local.get $X1) (local.get $VJ))))',
    '          (v128.store (i32.add (local.get $q) (local.get $jb)) (f64x2.add (f64x2.add',
    '            (v128.load (i32.add (local.get $q) (local.get $jb))) (f64x2.mul (local.get $X0) (local.get $V0)))',
    '            (f64x2.mul (local.get $X1) (local.get $V1))))',
    '          (local.set $j (i32.add (local.get $j) (i32.const 2)))',
    '          (br $nextPair)))',
    '      (local.set $s0 (f64.add (local.get $s0) (f64.add (f64x2.extract_lane 0 (local.get $L0)) (f64x2.extract_lane 1 (local.get $L0)))))',
    '      (local.set $s1 (f64.add (local.get $s1) (f64.add (f64x2.extract_lane 0 (local.get $L1)) (f64x2.extract_lane 1 (local.get $L1)))))',
    '      (if (i32.lt_u (local.get $j) (local.get $n))',
    '        (then',
    `          (local.set $pvj ${loadAt('pv', 'j')})`,
    `          (local.set $pqj ${loadAt('pq', 'j')})`,
    `          (local.set $vj ${loadAt('v', 'j')})`,
    `          (local.set $x0 (f64.sub (f64.sub ${loadAt('row0', 'j')} (f64.mul ${f('pv0')} ${f('pqj')})) (f64.mul ${f('pq0')} ${f('pvj')})))`,
    `          (local.set $x1 (f64.sub (f64.sub ${loadAt('row1', 'j')} (f64.mul ${f('pv1')} ${f('pqj')})) (f64.mul ${f('pq1')} ${f('pvj')})))`,
    `          (f64.store (i32.add ${f('row0')} (i32.shl ${f('j')} (i32.const 3))) ${f('x0')})`,
    `          (f64.store (i32.add ${f('row1')} (i32.shl ${f('j')} (i32.const 3))) ${f('x1')})`,
    `          (local.set $s0 (f64.add ${f('s0')} (f64.mul ${f('x0')} ${f('vj')})))`,
    `          (local.set $s1 (f64.add ${f('s1')} (f64.mul ${f('x1')} ${f('vj')})))`,
    `          (f64.store (i32.add ${f('q')} (i32.shl ${f('j')} (i32.const 3)))`,
    `            (f64.add (f64.add ${loadAt('q', 'j')} (f64.mul ${f('x0')} ${f('v0')})) (f64.mul ${f('x1')} ${f('v1')})))))`,
    `      (f64.store (i32.add ${f('q')} (i32.shl ${f('gi')} (i32.const 3))) (f64.add ${loadAt('q', 'gi')} ${f('s0')}))`,
    `      (f64.store (i32.add ${f('q')} (i32.shl ${f('g1')} (i32.const 3))) (f64.add ${loadAt('q', 'g1')} ${f('s1')}))`,
    '      (local.set $gi (i32.add (local.get $gi) (i32.const 2)))',
    '      (br $nextRows)))',
    '  ;; The last row on its own: only its diagonal entry is in the upper triangle.',
    '  (if (i32.lt_u (local.get $gi) (local.get $n))',
    '    (then',
    '      (local.set $row0 (i32.add (local.get $a) (i32.shl (i32.mul (local.get $gi) (local.get $n)) (i32.const 3))))',
    `      (local.set $a00 (f64.sub ${loadAt('row0', 'gi')} (f64.mul (f64.mul (f64.const 2) ${loadAt('pv', 'gi')}) ${loadAt('pq', 'gi')})))`,
    `      (f64.store (i32.add ${f('row0')} (i32.shl ${f('gi')} (i32.const 3))) ${f('a00')})`,
    `      (f64.store (i32.add ${f('q')} (i32.shl ${f('gi')} (i32.const 3))) (f64.add ${loadAt('q', 'gi')} (f64.mul ${f('a00')} ${loadAt('v', 'gi')})))))`,
    ')',
  ];
}

/**
 * `panelColumn(np, n, k0, c)`: the left-looking update of column `c` of a Cholesky panel in the
 * column-major matrix at address 0 (leading dimension `np`): `L(i, c) -= Σ_{k0 <= k < c} L(i, k) L(c, k)`
 * for rows i in [c, n), four columns k per sweep and then one at a time, every row subtracting its
 * products one after another; rows two at a time as f64x2 and the odd row left over alone. The
 * JavaScript loop of src/lib/cholesky.ts does the same operations in the same order.
 */
function panelColumn(): string[] {
  const sweep = (columns: number): string[] => {
    const lines: string[] = [];
    for (let q = 0; q < columns; q += 1) {
      lines.push(
        `(local.set $col${q} (i32.shl (i32.mul (i32.add (local.get $k) (i32.const ${q})) (local.get $np)) (i32.const 3)))`,
      );
      lines.push(
        `(local.set $l${q} (f64.load (i32.add (local.get $col${q}) (i32.shl (local.get $c) (i32.const 3)))))`,
      );
      lines.push(`(local.set $L${q} (f64x2.splat (local.get $l${q})))`);
    }
    const vector = ['(local.set $X (v128.load (i32.add (local.get $colC) (local.get $ib))))'];
    const scalar = ['(local.set $x (f64.load (i32.add (local.get $colC) (local.get $ib))))'];
    for (let q = 0; q < columns; q += 1) {
      vector.push(
        `(local.set $X (f64x2.sub (local.get $X) (f64x2.mul (v128.load (i32.add (local.get $col${q}) (local.get $ib))) (local.get $L${q}))))`,
      );
      scalar.push(
        `(local.set $x (f64.sub (local.get $x) (f64.mul (f64.load (i32.add (local.get $col${q}) (local.get $ib))) (local.get $l${q}))))`,
      );
    }
    vector.push('(v128.store (i32.add (local.get $colC) (local.get $ib)) (local.get $X))');
    scalar.push('(f64.store (i32.add (local.get $colC) (local.get $ib)) (local.get $x))');
    return [
      ...lines,
      '(local.set $i (local.get $c))',
      '(block $doneRows',
      '  (loop $nextRows',
      '    (br_if $doneRows (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))',
      '    (local.set $ib (i32.shl (local.get $i) (i32.const 3)))',
      ...indent(vector, 2),
      '    (local.set $i (i32.add (local.get $i) (i32.const 2)))',
      '    (br $nextRows)))',
      '(if (i32.lt_u (local.get $i) (local.get $n))',
      '  (then',
      '    (local.set $ib (i32.shl (local.get $i) (i32.const 3)))',
      ...indent(scalar, 2),
      '  ))',
    ];
  };
  return [
    '(func (export "panelColumn") (param $np i32) (param $n i32) (param $k0 i32) (param $c i32)',
    '  (local $k i32) (local $i i32) (local $ib i32) (local $colC i32)',
    '  (local $col0 i32) (local $col1 i32) (local $col2 i32) (local $col3 i32)',
    '  (local $l0 f64) (local $l1 f64) (local $l2 f64) (local $l3 f64) (local $x f64)',
    '  (local $L0 v128) (local $L1 v128) (local $L2 v128) (local $L3 v128) (local $X v128)',
    '  (local.set $colC (i32.shl (i32.mul (local.get $c) (local.get $np)) (i32.const 3)))',
    '  (local.set $k (local.get $k0))',
    '  (block $doneFours',
    '    (loop $nextFour',
    '      (br_if $doneFours (i32.ge_s (i32.add (local.get $k) (i32.const 3)) (local.get $c)))',
    ...indent(sweep(4), 3),
    '      (local.set $k (i32.add (local.get $k) (i32.const 4)))',
    '      (br $nextFour)))',
    '  (block $doneOnes',
    '    (loop $nextOne',
    '      (br_if $doneOnes (i32.ge_s (local.get $k) (local.get $c)))',
    ...indent(sweep(1), 3),
    '      (local.set $k (i32.add (local.get $k) (i32.const 1)))',
    '      (br $nextOne)))',
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
    ...indent(tridiagonalRows(), 1),
    ...indent(panelColumn(), 1),
    ')',
    '',
  ].join('\n');
}
