;; The scanner's per-character loop (scanner.ts `Scanner.feed`) in WebAssembly: on a fresh page the
;; JavaScript loop runs mostly unoptimised, while this is compiled before its first character.
;;
;; Input is the page text as UTF-8 (what `TextEncoder.encodeInto` writes without a JavaScript loop),
;; decoded here back to UTF-16 code units, so folding, offsets and the automaton are exactly the
;; JavaScript scanner's. wasm-scanner.ts lays out the memory and keeps the header in step:
;;
;;   header (i32 at byte offset)   0 fold table     u32 per UTF-16 unit: folded | flags << 16 | place << 24, 0 = not yet folded
;;                                 4 root table     i32 per folded unit: the root's child, 0 = none
;;                                 8 edge offsets (u16, from the sample below)   12 edge chars (u8 places or u16 units)
;;                                16 failure links (3 bytes each, link + 1; 0 = not yet worked out)
;;                                20 term-end bits (i64 words, bit q: a term ends at state q), as stored
;;                                24 output links
;;                                28 input bytes    32 normalised units (u16)   36 upper/teh-marbuta flags (u8)
;;                                40 source offsets (i32)   44 candidates (i32 pairs): to the end of memory
;;                                48 normalised length   52 automaton state   56 raw offset of the input's start
;;                                60 candidates written (i32 count)
;;                                64 term-end ranks (i32 per bit word: term ends before it)
;;                                68 terms (i32 per term end, in state order), or 0: terms numbered in state order
;;                                72 edge-offset samples (i32 per 64 states: the offset of the first)
;;                                76 alphabet (u16 per letter)   80 letters: 0, or how many (see below)
;;                                84 blocks ready (u8 per block of 64 states: 1 once its edge offsets are worked out)
;;                                88 unary child counts (see `offsets`)   92 states   96 states + edges
;;                                100 depth-one rows (i32 per letter per child of the root; narrow only)
;;                                104 rows ready (u8 per child of the root + 1)
;;                                108 places (u8 per unit: its place in a narrow alphabet + 1, 0 for none), or 0 (wide)
;;                                112 first state of the cut depth   116 states of the cut depth (0: stored whole)
;;                                120 gates (u8 per state of the cut depth, see below)   124 scratch (stored blocks' child counts)
;;                                128 rank after the last blocks put in memory ("range")
;;
;; Edges read a character each. A dictionary of at most 256 letters (one or a few scripts) keeps
;; an edge as its letter's place in the alphabet, one byte, and the fold table keeps each unit's
;; place + 1 in its top byte (0: no edge reads it); a larger one keeps the units themselves.
;; A state's edge offset is its block's sample plus its own 16 bits, half the memory of a full
;; offset (a block whose children need more refuses the dictionary: the JavaScript scanner reads it).
;; The samples are worked out on loading, a pass over 64-bit words of the stored unary child
;; counts; a block's own bits the first time a page reaches one of its states ($block), as a page
;; reaches a few thousand of a large dictionary's 30,000 blocks.
;; The root's children take most steps of a scan (seven in ten on English news with the seed
;; pack), and a binary search there was two fifths of the scan's time. In a narrow dictionary each
;; of them gets a full row by letter the first time a page reaches it ($row): its child by that
;; letter, or 0 (its failure link is the root, whose table the step reads next), so that step is
;; one load.
;; Term ends are a bitmap with ranks, not a table per state: a dictionary of 2 million states has
;; about 230,000 of them, and a table would take (and a page would touch) 8 MB to hold them.
;; A large dictionary is stored in parts (automaton-parts.ts): the top of the trie, to a cut depth,
;; and parts holding the states below it, which a page reads as its text needs them. Each state of
;; the cut depth has a gate: 1 once its part is in memory; else an edge out of it is not followed,
;; as if it were missing, and the gate is set to 2 (wanted) where the text read one, so that the
;; page reads that part and scans again; 3 where the part cannot be had (never wanted again).
;; Blocks of 64 states not in memory have status 2 in the blocks-ready table (3 once their edge
;; offset sample is known), and are never reached: only a gate leads below the cut.
;; Failure links are not stored with the dictionary: each is worked out from the edges the first
;; time a page needs it ($failOf), and kept as link + 1, so that zero means "not worked out yet"
;; and fresh memory needs no filling. Output links likewise, kept as link + 2 ($out).
;;
;; The module also builds the dictionary's tables in place from the stored form (automaton.ts
;; `SerializedAutomaton`), which the page decodes straight into this memory: `offsets` and
;; `terms` do deserializeAutomaton's work and checks (but for the failure links, worked out later). Each returns 0, or the number of the check
;; that failed (wasm-scanner.ts turns it into the message).
(module
  ;; Folds one unit the JavaScript way (normalize.ts `foldCode`): folded | flags << 16, called once
  ;; per distinct unit but the Han ideographs, which fold to themselves ($hanFold). The module
  ;; adds the place byte from its own table.
  (import "scan" "fold" (func $fold (param i32) (result i32)))
  (memory (export "memory") 1)

  (func $emit (param $at i32) (param $term i32)
    (local $n i32) (local $p i32)
    (local.set $n (i32.load (i32.const 60)))
    (local.set $p (i32.add (i32.load (i32.const 44)) (i32.shl (local.get $n) (i32.const 2))))
    ;; The candidate area runs to the end of memory: grow it by a quarter when full.
    (if (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.lt_s (memory.grow (i32.add (i32.shr_u (memory.size) (i32.const 2)) (i32.const 1))) (i32.const 0))
          (then unreachable))))
    (i32.store (local.get $p) (local.get $at))
    (i32.store offset=4 (local.get $p) (local.get $term))
    (i32.store (i32.const 60) (i32.add (local.get $n) (i32.const 2))))

  ;; The zeros of word $word of the unary child counts (header 84 + 4: the bits; $total of them),
  ;; as ones; none past the last bit (the padding).
  (func $zerosOf (param $word i32) (param $total i32) (result i64)
    (local $z i64) (local $past i32)
    (local.set $past (i32.sub (i32.shl (i32.add (local.get $word) (i32.const 1)) (i32.const 6)) (local.get $total)))
    (if (i32.ge_s (local.get $past) (i32.const 64)) (then (return (i64.const 0))))
    (local.set $z (i64.xor (i64.const -1)
      (i64.load (i32.add (i32.load (i32.const 88)) (i32.shl (local.get $word) (i32.const 3))))))
    (if (i32.gt_s (local.get $past) (i32.const 0))
      (then (local.set $z (i64.and (local.get $z) (i64.shr_u (i64.const -1) (i64.extend_i32_u (local.get $past)))))))
    (local.get $z))

  ;; The place (0 to 63) of the $k-th set bit of $x (1-based), which has that many: the byte where
  ;; the running count of set bits reaches $k (the bytes' counts summed by one multiplication),
  ;; then the bit within it. No loop over halves: a page runs this once a block of 64 states, in
  ;; baseline code (with 100,000 reader entities the pass that calls it took 2.35 ms, 1.25 now).
  (func $select (param $x i64) (param $k i32) (result i32)
    (local $sums i64) (local $byte i32) (local $before i32) (local $bits i32)
    ;; Each byte's count of set bits, then their running sums (at most 64: each fits its byte).
    (local.set $sums (i64.mul
      (i64x2.extract_lane 0 (i8x16.popcnt (i64x2.splat (local.get $x))))
      (i64.const 0x0101010101010101)))
    ;; The first byte whose running sum reaches $k.
    (local.set $byte (i32.ctz (i8x16.bitmask
      (i8x16.ge_u (i64x2.splat (local.get $sums)) (i8x16.splat (local.get $k))))))
    (local.set $before (if (result i32) (local.get $byte)
      (then (i32.wrap_i64 (i64.and (i64.shr_u (local.get $sums) (i64.extend_i32_u (i32.shl (i32.sub (local.get $byte) (i32.const 1)) (i32.const 3)))) (i64.const 0xff))))
      (else (i32.const 0))))
    ;; Within that byte: clear the lower set bits, then the lowest left is the one.
    (local.set $bits (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.extend_i32_u (i32.shl (local.get $byte) (i32.const 3)))) (i64.const 0xff))))
    (local.set $k (i32.sub (local.get $k) (local.get $before)))
    (block $done
      (loop $clear
        (br_if $done (i32.le_u (local.get $k) (i32.const 1)))
        (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $clear)))
    (i32.add (i32.shl (local.get $byte) (i32.const 3)) (i32.ctz (local.get $bits))))

  ;; The edge offsets' samples, one per block of 64 states (the first state's offset), from the
  ;; unary child counts ($states + $edges bits: a 1 per child, then a 0, state after state), and
  ;; the checks of the stored form; the offsets within a block are worked out when a page first
  ;; reaches it ($block). A pass over 64-bit words, not states: block b starts after the 64 b-th
  ;; zero, found by counting zeros a word at a time. 2: counts that do not add up to the states
  ;; and edges; 6: a block of 64 states whose offsets do not fit 16 bits; 7: an edge whose place
  ;; is past the alphabet. (1 and 4 were checks of tables no longer stored.)
  (func (export "offsets") (param $states i32) (param $edges i32) (result i32)
    (local $samples i32) (local $total i32) (local $words i32) (local $w i32) (local $z i64) (local $n i32)
    (local $seen i32) (local $b i32) (local $last i32) (local $e i32) (local $max v128) (local $letters i32)
    (local $edgeChar i32) (local $next i32) (local $bitsAt i32) (local $full i32) (local $at i32)
    (local.set $samples (i32.load (i32.const 72)))
    (local.set $total (i32.add (local.get $states) (local.get $edges)))
    (local.set $words (i32.shr_u (i32.add (local.get $total) (i32.const 63)) (i32.const 6)))
    ;; In a narrow dictionary every edge's place is below the number of letters: the largest byte,
    ;; sixteen edges at a time.
    (local.set $letters (i32.load (i32.const 80)))
    (if (local.get $letters)
      (then
        (local.set $edgeChar (i32.load (i32.const 12)))
        (local.set $max (v128.const i64x2 0 0))
        (block $checked
          ;; Sixty-four at a time while they last (fewer turns of the loop in baseline code), then sixteen.
          (loop $sixtyFour
            (br_if $checked (i32.gt_u (i32.add (local.get $e) (i32.const 64)) (local.get $edges)))
            (local.set $at (i32.add (local.get $edgeChar) (local.get $e)))
            (local.set $max (i8x16.max_u (i8x16.max_u (local.get $max) (v128.load (local.get $at)))
              (i8x16.max_u (i8x16.max_u (v128.load offset=16 (local.get $at)) (v128.load offset=32 (local.get $at))) (v128.load offset=48 (local.get $at)))))
            (local.set $e (i32.add (local.get $e) (i32.const 64)))
            (br $sixtyFour)))
        (block $sixteens
          (loop $sixteen
            (br_if $sixteens (i32.gt_u (i32.add (local.get $e) (i32.const 16)) (local.get $edges)))
            (local.set $max (i8x16.max_u (local.get $max) (v128.load (i32.add (local.get $edgeChar) (local.get $e)))))
            (local.set $e (i32.add (local.get $e) (i32.const 16)))
            (br $sixteen)))
        (block $lanes
          (loop $lane
            (br_if $lanes (i32.ge_u (local.get $e) (local.get $edges)))
            (if (i32.ge_u (i32.load8_u (i32.add (local.get $edgeChar) (local.get $e))) (local.get $letters)) (then (return (i32.const 7))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $lane)))
        ;; With 256 letters every byte is a place; below that, no lane of the largest may reach the count.
        (if (i32.lt_u (local.get $letters) (i32.const 256))
          (then
            (if (v128.any_true (i8x16.ge_u (local.get $max) (i8x16.splat (local.get $letters))))
              (then (return (i32.const 7))))))))
    ;; The last bit ends the last state's run.
    (if (i32.eqz (local.get $total)) (then (return (i32.const 2))))
    (if (i64.eqz (i64.and (call $zerosOf (i32.shr_u (i32.sub (local.get $total) (i32.const 1)) (i32.const 6)) (local.get $total))
          (i64.shl (i64.const 1) (i64.extend_i32_u (i32.and (i32.sub (local.get $total) (i32.const 1)) (i32.const 63))))))
      (then (return (i32.const 2))))
    (i32.store (local.get $samples) (i32.const 0))
    ;; $next: the count of zeros after which the next block starts.
    (local.set $b (i32.const 1))
    (local.set $next (i32.const 64))
    (local.set $bitsAt (i32.load (i32.const 88)))
    (local.set $full (i32.sub (local.get $words) (i32.const 1)))
    (block $walked
      (loop $word
        (br_if $walked (i32.ge_u (local.get $w) (local.get $words)))
        ;; Every word but the last is whole: its zeros straight from memory.
        (local.set $z
          (if (result i64) (i32.lt_u (local.get $w) (local.get $full))
            (then (i64.xor (i64.const -1) (i64.load (i32.add (local.get $bitsAt) (i32.shl (local.get $w) (i32.const 3))))))
            (else (call $zerosOf (local.get $w) (local.get $total)))))
        (local.set $n (i32.wrap_i64 (i64.popcnt (local.get $z))))
        (if (i32.and (i32.ge_u (i32.add (local.get $seen) (local.get $n)) (local.get $next)) (i32.le_u (local.get $next) (local.get $states)))
          (then
            ;; Block b starts after this zero: offset = bits before it, less the zeros (states) before it.
            (i32.store (i32.add (local.get $samples) (i32.shl (local.get $b) (i32.const 2)))
              (i32.sub
                (i32.add (i32.add (i32.shl (local.get $w) (i32.const 6)) (call $select (local.get $z) (i32.sub (local.get $next) (local.get $seen)))) (i32.const 1))
                (local.get $next)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (local.set $next (i32.add (local.get $next) (i32.const 64)))))
        (local.set $seen (i32.add (local.get $seen) (local.get $n)))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $word)))
    (if (i32.ne (local.get $seen) (local.get $states)) (then (return (i32.const 2))))
    ;; Every block's offsets fit 16 bits from its sample: the next sample (or the last offset, the
    ;; edges) at most 65,535 further.
    (local.set $last (i32.shr_u (local.get $states) (i32.const 6)))
    (local.set $b (i32.const 0))
    (block $fits
      (loop $block
        (br_if $fits (i32.ge_u (local.get $b) (local.get $last)))
        (if (i32.gt_u
              (i32.sub (i32.load offset=4 (i32.add (local.get $samples) (i32.shl (local.get $b) (i32.const 2))))
                       (i32.load (i32.add (local.get $samples) (i32.shl (local.get $b) (i32.const 2)))))
              (i32.const 0xffff))
          (then (return (i32.const 6))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $block)))
    (if (i32.gt_u (i32.sub (local.get $edges) (i32.load (i32.add (local.get $samples) (i32.shl (local.get $last) (i32.const 2))))) (i32.const 0xffff))
      (then (return (i32.const 6))))
    (i32.const 0))

  ;; Works out the edge offsets of block $b's states (16 bits from its sample; the first is 0), the
  ;; one past the last state's included, from the unary child counts; marks the block ready.
  (func $block (param $b i32)
    (local $states i32) (local $total i32) (local $base i32) (local $q i32) (local $end i32) (local $at i32)
    (local $word i32) (local $zeros i64) (local $eo i32)
    (local.set $states (i32.load (i32.const 92)))
    (local.set $total (i32.load (i32.const 96)))
    (local.set $eo (i32.load (i32.const 8)))
    (local.set $base (i32.load (i32.add (i32.load (i32.const 72)) (i32.shl (local.get $b) (i32.const 2)))))
    (local.set $q (i32.shl (local.get $b) (i32.const 6)))
    (local.set $end (i32.add (local.get $q) (i32.const 63)))
    (if (i32.gt_u (local.get $end) (local.get $states)) (then (local.set $end (local.get $states))))
    ;; State q's run starts after its q zeros and the ones before it.
    (local.set $at (i32.add (local.get $base) (local.get $q)))
    (local.set $word (i32.shr_u (local.get $at) (i32.const 6)))
    (local.set $zeros (i64.and (call $zerosOf (local.get $word) (local.get $total))
      (i64.shl (i64.const -1) (i64.extend_i32_u (i32.and (local.get $at) (i32.const 63))))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        ;; The zero that ends state q's run (the stored form was checked: it is there).
        (block $found
          (loop $words
            (br_if $found (i64.ne (local.get $zeros) (i64.const 0)))
            (local.set $word (i32.add (local.get $word) (i32.const 1)))
            (local.set $zeros (call $zerosOf (local.get $word) (local.get $total)))
            (br $words)))
        (local.set $at (i32.add (i32.add (i32.shl (local.get $word) (i32.const 6)) (i32.wrap_i64 (i64.ctz (local.get $zeros)))) (i32.const 1)))
        (local.set $zeros (i64.and (local.get $zeros) (i64.sub (local.get $zeros) (i64.const 1))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        ;; Offset of state q: bits before its run less its q zeros, from the sample.
        (i32.store16 (i32.add (local.get $eo) (i32.shl (local.get $q) (i32.const 1)))
          (i32.sub (i32.sub (local.get $at) (local.get $q)) (local.get $base)))
        (br $next)))
    (i32.store8 (i32.add (i32.load (i32.const 84)) (local.get $b)) (i32.const 1)))

  ;; Makes sure state $s's block has its edge offsets.
  (func $ready (param $s i32)
    (if (i32.eqz (i32.load8_u (i32.add (i32.load (i32.const 84)) (i32.shr_u (local.get $s) (i32.const 6)))))
      (then (call $block (i32.shr_u (local.get $s) (i32.const 6))))))

  ;; Every block's edge offsets (for a copy of the tables in JavaScript).
  (func (export "allOffsets")
    (local $s i32) (local $states i32)
    (local.set $states (i32.load (i32.const 92)))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $s) (local.get $states)))
        (call $ready (local.get $s))
        (local.set $s (i32.add (local.get $s) (i32.const 64)))
        (br $next))))

  ;; The ranks per word of the term-end bits, decoded in place, and a check that they fit: no bit
  ;; past the last state, and as many bits as the $count terms decoded in state order; then the
  ;; dense root table (the root's children by character). 3: a term end at a state that does not
  ;; exist; 5: term ends and terms that do not match.
  (func (export "terms") (param $states i32) (param $count i32) (result i32)
    (local $bits i32) (local $ranks i32) (local $w i32) (local $words i32) (local $n i32) (local $tail i32)
    (local.set $bits (i32.load (i32.const 20)))
    (local.set $ranks (i32.load (i32.const 64)))
    (local.set $words (i32.shr_u (i32.add (local.get $states) (i32.const 63)) (i32.const 6)))
    ;; Bits past the last state, in the last word.
    (local.set $tail (i32.and (local.get $states) (i32.const 63)))
    (if (local.get $tail)
      (then
        (if (i64.ne (i64.const 0) (i64.shr_u
              (i64.load (i32.add (local.get $bits) (i32.shl (i32.sub (local.get $words) (i32.const 1)) (i32.const 3))))
              (i64.extend_i32_u (local.get $tail))))
          (then (return (i32.const 3))))))
    (block $ranked
      (loop $word
        (br_if $ranked (i32.ge_u (local.get $w) (local.get $words)))
        (i32.store (i32.add (local.get $ranks) (i32.shl (local.get $w) (i32.const 2))) (local.get $n))
        (local.set $n (i32.add (local.get $n)
          (i32.wrap_i64 (i64.popcnt (i64.load (i32.add (local.get $bits) (i32.shl (local.get $w) (i32.const 3))))))))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $word)))
    ;; $count -1: the terms are numbered in state order, and none is stored to count.
    (if (i32.and (i32.ge_s (local.get $count) (i32.const 0)) (i32.ne (local.get $n) (local.get $count))) (then (return (i32.const 5))))
    (call $root)
    (i32.const 0))

  ;; The dense root table: the root's children by character (block 0 in memory).
  (func $root (export "root")
    (local $rootT i32) (local $edgeChar i32) (local $e i32) (local $last i32)
    (local.set $rootT (i32.load (i32.const 4)))
    (local.set $edgeChar (i32.load (i32.const 12)))
    ;; The root's edges: from 0 to state 1's offset (block 0, whose sample is 0).
    (call $ready (i32.const 0))
    (local.set $e (i32.const 0))
    (local.set $last (i32.load16_u offset=2 (i32.load (i32.const 8))))
    (block $rooted
      (loop $child
        (br_if $rooted (i32.ge_s (local.get $e) (local.get $last)))
        (i32.store
          (i32.add (local.get $rootT) (i32.shl
            (if (result i32) (i32.load (i32.const 80))
              (then (i32.load16_u (i32.add (i32.load (i32.const 76)) (i32.shl (i32.load8_u (i32.add (local.get $edgeChar) (local.get $e))) (i32.const 1)))))
              (else (i32.load16_u (i32.add (local.get $edgeChar) (i32.shl (local.get $e) (i32.const 1))))))
            (i32.const 2)))
          (i32.add (local.get $e) (i32.const 1)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $child))))

  ;; Where the edges of state $s start: its block's sample plus its own 16 bits (the block ready,
  ;; or $s its first state, whose own bits are 0).
  (func $edgeStart (param $s i32) (result i32)
    (i32.add
      (i32.load (i32.add (i32.load (i32.const 72)) (i32.shl (i32.shr_u (local.get $s) (i32.const 6)) (i32.const 2))))
      (i32.load16_u (i32.add (i32.load (i32.const 8)) (i32.shl (local.get $s) (i32.const 1))))))

  ;; Whether edges out of state $s may be followed: always, but at a state of the cut depth whose
  ;; part is not in memory, which is marked wanted (unless its part cannot be had).
  (func $open (param $s i32) (result i32)
    (local $g i32) (local $v i32)
    (local.set $g (i32.sub (local.get $s) (i32.load (i32.const 112))))
    (if (i32.ge_u (local.get $g) (i32.load (i32.const 116))) (then (return (i32.const 1))))
    (local.set $g (i32.add (i32.load (i32.const 120)) (local.get $g)))
    (local.set $v (i32.load8_u (local.get $g)))
    (if (i32.eq (local.get $v) (i32.const 1)) (then (return (i32.const 1))))
    (if (i32.eqz (local.get $v)) (then (i32.store8 (local.get $g) (i32.const 2))))
    (i32.const 0))

  ;; ORs $count bits from $src (64-bit little-endian words, zero past the last bit) into the unary
  ;; child counts from bit $at on: a stored range of blocks starts anywhere in a word. The table
  ;; ends with a spare word for the last one's overflow.
  (func (export "placeBits") (param $src i32) (param $at i32) (param $count i32)
    (local $w i64) (local $i i32) (local $words i32) (local $to i32) (local $shift i64)
    (local.set $words (i32.shr_u (i32.add (local.get $count) (i32.const 63)) (i32.const 6)))
    (local.set $to (i32.add (i32.load (i32.const 88)) (i32.shl (i32.shr_u (local.get $at) (i32.const 6)) (i32.const 3))))
    (local.set $shift (i64.extend_i32_u (i32.and (local.get $at) (i32.const 63))))
    (block $done
      (loop $word
        (br_if $done (i32.ge_u (local.get $i) (local.get $words)))
        (local.set $w (i64.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 3)))))
        (i64.store (local.get $to) (i64.or (i64.load (local.get $to)) (i64.shl (local.get $w) (local.get $shift))))
        (if (i64.ne (local.get $shift) (i64.const 0))
          (then (i64.store offset=8 (local.get $to)
            (i64.or (i64.load offset=8 (local.get $to)) (i64.shr_u (local.get $w) (i64.sub (i64.const 64) (local.get $shift)))))))
        (local.set $to (i32.add (local.get $to) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $word))))

  ;; Blocks $first to $first + $blocks - 1 put in memory (their unary child counts also at $src,
  ;; from bit 0; their edges' characters and term-end bits in place): their edge offset samples,
  ;; the next block's too, and their term ranks from $sample and $rank, their first. Returns 0, or
  ;; the check that failed: 2, counts that do not add up to the blocks' states and $edges; 3, a
  ;; term end past the last state; 6, a block too wide for 16-bit offsets; 7, an edge past the alphabet.
  (func (export "range") (param $src i32) (param $first i32) (param $blocks i32) (param $sample i32) (param $rank i32) (param $edges i32) (result i32)
    (local $states i32) (local $q0 i32) (local $q1 i32) (local $total i32) (local $words i32) (local $w i32)
    (local $z i64) (local $n i32) (local $seen i32) (local $next i32) (local $b i32) (local $samples i32)
    (local $status i32) (local $letters i32) (local $e i32) (local $at i32) (local $max v128) (local $bits i32)
    (local $ranks i32) (local $tail i32) (local $prev i32)
    (local.set $states (i32.load (i32.const 92)))
    (local.set $q0 (i32.shl (local.get $first) (i32.const 6)))
    (local.set $q1 (i32.shl (i32.add (local.get $first) (local.get $blocks)) (i32.const 6)))
    (if (i32.gt_u (local.get $q1) (local.get $states)) (then (local.set $q1 (local.get $states))))
    (local.set $total (i32.add (i32.sub (local.get $q1) (local.get $q0)) (local.get $edges)))
    (local.set $words (i32.shr_u (i32.add (local.get $total) (i32.const 63)) (i32.const 6)))
    (local.set $samples (i32.load (i32.const 72)))
    (local.set $status (i32.load (i32.const 84)))
    ;; Edge places below the number of letters (a narrow dictionary), sixteen at a time.
    (local.set $letters (i32.load (i32.const 80)))
    (if (i32.and (i32.ne (local.get $letters) (i32.const 0)) (i32.lt_u (local.get $letters) (i32.const 256)))
      (then
        (local.set $at (i32.add (i32.load (i32.const 12)) (local.get $sample)))
        (local.set $max (v128.const i64x2 0 0))
        (block $sixteens
          (loop $sixteen
            (br_if $sixteens (i32.gt_u (i32.add (local.get $e) (i32.const 16)) (local.get $edges)))
            (local.set $max (i8x16.max_u (local.get $max) (v128.load (i32.add (local.get $at) (local.get $e)))))
            (local.set $e (i32.add (local.get $e) (i32.const 16)))
            (br $sixteen)))
        (block $lanes
          (loop $lane
            (br_if $lanes (i32.ge_u (local.get $e) (local.get $edges)))
            (if (i32.ge_u (i32.load8_u (i32.add (local.get $at) (local.get $e))) (local.get $letters)) (then (return (i32.const 7))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $lane)))
        (if (v128.any_true (i8x16.ge_u (local.get $max) (i8x16.splat (local.get $letters)))) (then (return (i32.const 7))))))
    ;; The last bit ends the last state's run.
    (if (i32.eqz (local.get $total)) (then (return (i32.const 2))))
    (local.set $tail (i32.sub (local.get $total) (i32.const 1)))
    (if (i64.ne (i64.const 0) (i64.and
          (i64.load (i32.add (local.get $src) (i32.shl (i32.shr_u (local.get $tail) (i32.const 6)) (i32.const 3))))
          (i64.shl (i64.const 1) (i64.extend_i32_u (i32.and (local.get $tail) (i32.const 63))))))
      (then (return (i32.const 2))))
    ;; Block first + j starts after the 64 j-th zero: its sample is the ones before that.
    (local.set $b (i32.add (local.get $first) (i32.const 1)))
    (local.set $next (i32.const 64))
    (local.set $prev (local.get $sample))
    (block $walked
      (loop $word
        (br_if $walked (i32.ge_u (local.get $w) (local.get $words)))
        (local.set $z (i64.xor (i64.const -1) (i64.load (i32.add (local.get $src) (i32.shl (local.get $w) (i32.const 3))))))
        ;; No zeros past the last bit.
        (if (i32.eq (local.get $w) (i32.sub (local.get $words) (i32.const 1)))
          (then (if (i32.and (local.get $total) (i32.const 63))
            (then (local.set $z (i64.and (local.get $z)
              (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.and (local.get $total) (i32.const 63)))) (i64.const 1))))))))
        (local.set $n (i32.wrap_i64 (i64.popcnt (local.get $z))))
        (block $blocksDone
          (loop $blockStart
            (br_if $blocksDone (i32.lt_u (i32.add (local.get $seen) (local.get $n)) (local.get $next)))
            (br_if $blocksDone (i32.gt_u (i32.shl (local.get $b) (i32.const 6)) (local.get $states)))
            (local.set $e (i32.add (local.get $sample) (i32.sub
              (i32.add (i32.add (i32.shl (local.get $w) (i32.const 6)) (call $select (local.get $z) (i32.sub (local.get $next) (local.get $seen)))) (i32.const 1))
              (local.get $next))))
            (if (i32.gt_u (i32.sub (local.get $e) (local.get $prev)) (i32.const 0xffff)) (then (return (i32.const 6))))
            (i32.store (i32.add (local.get $samples) (i32.shl (local.get $b) (i32.const 2))) (local.get $e))
            (local.set $prev (local.get $e))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (local.set $next (i32.add (local.get $next) (i32.const 64)))
            (br $blockStart)))
        (local.set $seen (i32.add (local.get $seen) (local.get $n)))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $word)))
    (if (i32.ne (local.get $seen) (i32.sub (local.get $q1) (local.get $q0))) (then (return (i32.const 2))))
    ;; The last block of the dictionary, partial: its offsets up to the edges' end fit 16 bits too.
    (if (i32.gt_u (i32.sub (i32.add (local.get $sample) (local.get $edges)) (local.get $prev)) (i32.const 0xffff)) (then (return (i32.const 6))))
    (i32.store (i32.add (local.get $samples) (i32.shl (local.get $first) (i32.const 2))) (local.get $sample))
    ;; Term ranks; no term end past the last state.
    (local.set $bits (i32.load (i32.const 20)))
    (local.set $ranks (i32.load (i32.const 64)))
    (if (i32.and (i32.eq (local.get $q1) (local.get $states)) (i32.ne (i32.and (local.get $states) (i32.const 63)) (i32.const 0)))
      (then
        (if (i64.ne (i64.const 0) (i64.shr_u
              (i64.load (i32.add (local.get $bits) (i32.shl (i32.shr_u (local.get $states) (i32.const 6)) (i32.const 3))))
              (i64.extend_i32_u (i32.and (local.get $states) (i32.const 63)))))
          (then (return (i32.const 3))))))
    (local.set $w (local.get $first))
    (local.set $n (i32.add (local.get $first) (local.get $blocks)))
    (block $ranked
      (loop $rankWord
        (br_if $ranked (i32.ge_u (local.get $w) (local.get $n)))
        (i32.store (i32.add (local.get $ranks) (i32.shl (local.get $w) (i32.const 2))) (local.get $rank))
        (local.set $rank (i32.add (local.get $rank)
          (i32.wrap_i64 (i64.popcnt (i64.load (i32.add (local.get $bits) (i32.shl (local.get $w) (i32.const 3))))))))
        ;; In memory, offsets to work out (unless already worked out from an earlier copy).
        (if (i32.ne (i32.load8_u (i32.add (local.get $status) (local.get $w))) (i32.const 1))
          (then (i32.store8 (i32.add (local.get $status) (local.get $w)) (i32.const 0))))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $rankWord)))
    (i32.store (i32.const 128) (local.get $rank))
    ;; The next block's sample is known now.
    (if (i32.le_u (i32.shl (local.get $n) (i32.const 6)) (local.get $states))
      (then (if (i32.eq (i32.load8_u (i32.add (local.get $status) (local.get $n))) (i32.const 2))
        (then (i32.store8 (i32.add (local.get $status) (local.get $n)) (i32.const 3))))))
    (i32.const 0))

  ;; The samples of blocks not in memory whose sample is not known: the next known one, so that the
  ;; samples still grow and $failOf's search for a parent among blocks in memory stays right.
  (func (export "fillSamples")
    (local $b i32) (local $next i32) (local $samples i32) (local $status i32)
    (local.set $samples (i32.load (i32.const 72)))
    (local.set $status (i32.load (i32.const 84)))
    (local.set $b (i32.shr_u (i32.load (i32.const 92)) (i32.const 6)))
    (local.set $next (i32.sub (i32.load (i32.const 96)) (i32.load (i32.const 92))))
    (loop $back
      (if (i32.eq (i32.load8_u (i32.add (local.get $status) (local.get $b))) (i32.const 2))
        (then (i32.store (i32.add (local.get $samples) (i32.shl (local.get $b) (i32.const 2))) (local.get $next))))
      (local.set $next (i32.load (i32.add (local.get $samples) (i32.shl (local.get $b) (i32.const 2)))))
      (if (local.get $b)
        (then
          (local.set $b (i32.sub (local.get $b) (i32.const 1)))
          (br $back)))))

  ;; The child of state $s along an edge that reads $k (a place in a narrow dictionary's alphabet,
  ;; else the unit itself), or 0 for none; the root's through the root table, by the unit $unit.
  (func $child (param $s i32) (param $k i32) (param $unit i32) (result i32)
    (local $lo i32) (local $hi i32) (local $mid i32) (local $mc i32) (local $edgeChar i32) (local $shift i32) (local $mask i32)
    (if (i32.eqz (local.get $s))
      (then (return (i32.load (i32.add (i32.load (i32.const 4)) (i32.shl (local.get $unit) (i32.const 2)))))))
    (local.set $edgeChar (i32.load (i32.const 12)))
    (local.set $shift (i32.eqz (i32.load (i32.const 80))))
    (local.set $mask (select (i32.const 0xffff) (i32.const 0xff) (local.get $shift)))
    (call $ready (local.get $s))
    (local.set $lo (call $edgeStart (local.get $s)))
    (local.set $hi (i32.sub (call $edgeStart (i32.add (local.get $s) (i32.const 1))) (i32.const 1)))
    (block $notFound
      (loop $search
        (br_if $notFound (i32.gt_s (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_s (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
        (local.set $mc (i32.and
          (i32.load16_u (i32.add (local.get $edgeChar) (i32.shl (local.get $mid) (local.get $shift))))
          (local.get $mask)))
        (if (i32.eq (local.get $mc) (local.get $k))
          (then (return (select (i32.add (local.get $mid) (i32.const 1)) (i32.const 0) (call $open (local.get $s))))))
        (if (i32.lt_u (local.get $mc) (local.get $k))
          (then (local.set $lo (i32.add (local.get $mid) (i32.const 1))))
          (else (local.set $hi (i32.sub (local.get $mid) (i32.const 1)))))
        (br $search)))
    (i32.const 0))

  ;; The failure link of state $q, worked out the first time it is asked for and then kept (link +
  ;; 1 in three bytes at $failT + 3 $q; the table ends with a spare byte, so the four-byte load
  ;; stays inside it). As automaton.ts `failureLinks` does: from the parent's link, follow links
  ;; until a state has an edge that reads the character of the edge into $q. Edge e leads to state
  ;; e + 1, so the parent is the last state whose edges start at or before $q - 1. Every link and
  ;; parent is an earlier state, so the recursion ends, at most as deep as the longest term.
  ;; Exported for the tests, which hold every link to the one the builder made.
  (func $failOf (export "failOf") (param $q i32) (result i32)
    (local $at i32) (local $v i32) (local $e i32) (local $lo i32) (local $hi i32) (local $mid i32)
    (local $k i32) (local $unit i32) (local $f i32) (local $t i32)
    (if (i32.eqz (local.get $q)) (then (return (i32.const 0))))
    (local.set $at (i32.add (i32.load (i32.const 16)) (i32.add (local.get $q) (i32.shl (local.get $q) (i32.const 1)))))
    (local.set $v (i32.and (i32.load (local.get $at)) (i32.const 0xffffff)))
    (if (local.get $v) (then (return (i32.sub (local.get $v) (i32.const 1)))))
    (local.set $e (i32.sub (local.get $q) (i32.const 1)))
    ;; The parent: the last state in [0, q - 1] whose edges start at or before e. First its block,
    ;; by the blocks' samples (its first state's offset), then the state in that block.
    (local.set $lo (i32.const 0))
    (local.set $hi (i32.shr_u (local.get $e) (i32.const 6)))
    (block $inBlock
      (loop $blocks
        (br_if $inBlock (i32.ge_u (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_u (i32.add (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)) (i32.const 1)))
        (if (i32.le_u (i32.load (i32.add (i32.load (i32.const 72)) (i32.shl (local.get $mid) (i32.const 2)))) (local.get $e))
          (then (local.set $lo (local.get $mid)))
          (else (local.set $hi (i32.sub (local.get $mid) (i32.const 1)))))
        (br $blocks)))
    (local.set $lo (i32.shl (local.get $lo) (i32.const 6)))
    (call $ready (local.get $lo))
    (local.set $hi (i32.add (local.get $lo) (i32.const 63)))
    (if (i32.gt_u (local.get $hi) (local.get $e)) (then (local.set $hi (local.get $e))))
    (block $found
      (loop $search
        (br_if $found (i32.ge_u (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_u (i32.add (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)) (i32.const 1)))
        (if (i32.le_u (call $edgeStart (local.get $mid)) (local.get $e))
          (then (local.set $lo (local.get $mid)))
          (else (local.set $hi (i32.sub (local.get $mid) (i32.const 1)))))
        (br $search)))
    ;; The edge's character: its place (narrow) and unit, or its unit twice.
    (if (i32.load (i32.const 80))
      (then
        (local.set $k (i32.load8_u (i32.add (i32.load (i32.const 12)) (local.get $e))))
        (local.set $unit (i32.load16_u (i32.add (i32.load (i32.const 76)) (i32.shl (local.get $k) (i32.const 1))))))
      (else
        (local.set $k (i32.load16_u (i32.add (i32.load (i32.const 12)) (i32.shl (local.get $e) (i32.const 1)))))
        (local.set $unit (local.get $k))))
    (if (local.get $lo)
      (then
        (local.set $f (call $failOf (local.get $lo)))
        (block $linked
          (loop $follow
            (local.set $t (call $child (local.get $f) (local.get $k) (local.get $unit)))
            (br_if $linked (local.get $t))
            (br_if $linked (i32.eqz (local.get $f)))
            (local.set $f (call $failOf (local.get $f)))
            (br $follow)))))
    ;; A link always leads back (edge offsets only grow): kept so even for tables that broke that.
    (if (i32.ge_u (local.get $t) (local.get $q)) (then (local.set $t (i32.const 0))))
    (i32.store16 (local.get $at) (i32.add (local.get $t) (i32.const 1)))
    (i32.store8 offset=2 (local.get $at) (i32.shr_u (i32.add (local.get $t) (i32.const 1)) (i32.const 16)))
    (local.get $t))

  ;; Whether a term ends at state $q.
  (func $ends (param $q i32) (result i32)
    (i32.wrap_i64 (i64.and
      (i64.shr_u
        (i64.load (i32.add (i32.load (i32.const 20)) (i32.shl (i32.shr_u (local.get $q) (i32.const 6)) (i32.const 3))))
        (i64.extend_i32_u (local.get $q)))
      (i64.const 1))))

  ;; The term that ends at state $q, which must be one: its rank among the term ends, or the term
  ;; stored at that rank.
  (func $termAt (param $q i32) (result i32)
    (local $w i32) (local $rank i32) (local $ids i32)
    (local.set $w (i32.shr_u (local.get $q) (i32.const 6)))
    (local.set $rank (i32.add
      (i32.load (i32.add (i32.load (i32.const 64)) (i32.shl (local.get $w) (i32.const 2))))
      (i32.wrap_i64 (i64.popcnt (i64.and
        (i64.load (i32.add (i32.load (i32.const 20)) (i32.shl (local.get $w) (i32.const 3))))
        (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $q))) (i64.const 1)))))))
    (local.set $ids (i32.load (i32.const 68)))
    (if (i32.eqz (local.get $ids)) (then (return (local.get $rank))))
    (i32.load (i32.add (local.get $ids) (i32.shl (local.get $rank) (i32.const 2)))))

  ;; The output link of state $q (the nearest state on its failure chain where a term ends, or -1),
  ;; worked out on first need. Every state on the chain up to the answer has the same answer, so
  ;; the walk writes it to all of them: each state is walked at most once.
  (func $out (param $q i32) (result i32)
    (local $outT i32) (local $p i32) (local $f i32) (local $v i32) (local $stop i32)
    (local.set $outT (i32.load (i32.const 24)))
    (local.set $v (i32.load (i32.add (local.get $outT) (i32.shl (local.get $q) (i32.const 2)))))
    (if (local.get $v) (then (return (i32.sub (local.get $v) (i32.const 2)))))
    (local.set $p (local.get $q))
    ;; $v becomes the answer + 2; $stop the first state not to write it to.
    (block $found
      (loop $walk
        (if (i32.eqz (local.get $p))
          (then (local.set $v (i32.const 1)) (local.set $stop (i32.const 0)) (br $found)))
        (local.set $v (i32.load (i32.add (local.get $outT) (i32.shl (local.get $p) (i32.const 2)))))
        (if (local.get $v) (then (local.set $stop (local.get $p)) (br $found)))
        (local.set $f (call $failOf (local.get $p)))
        (if (call $ends (local.get $f))
          (then (local.set $v (i32.add (local.get $f) (i32.const 2))) (local.set $stop (local.get $f)) (br $found)))
        (local.set $p (local.get $f))
        (br $walk)))
    (local.set $p (local.get $q))
    (block $written
      (loop $write
        (br_if $written (i32.eq (local.get $p) (local.get $stop)))
        (i32.store (i32.add (local.get $outT) (i32.shl (local.get $p) (i32.const 2))) (local.get $v))
        (local.set $p (call $failOf (local.get $p)))
        (br $write)))
    (i32.sub (local.get $v) (i32.const 2)))

  ;; The fold of a CJK Unified Ideograph (main block or Extension A) as normalize.ts gives it
  ;; (itself, known: not a word character, no case), or 0 for any other unit. A Chinese page has a
  ;; thousand or more distinct ones, and a call out to JavaScript for each took most of its scan's
  ;; time.
  (func $hanFold (param $code i32) (result i32)
    (if (i32.and
          (i32.ge_u (i32.sub (local.get $code) (i32.const 0x4e00)) (i32.const 0x5200))
          (i32.ge_u (i32.sub (local.get $code) (i32.const 0x3400)) (i32.const 0x19c0)))
      (then (return (i32.const 0))))
    (i32.or (local.get $code) (i32.const 0x10000)))

  ;; The row of depth-one state $s (see above): its children by letter, 0 for none.
  (func $row (param $s i32)
    (local $letters i32) (local $row i32) (local $chars i32) (local $e i32) (local $end i32)
    (local.set $letters (i32.load (i32.const 80)))
    (local.set $chars (i32.load (i32.const 12)))
    (local.set $row (i32.add (i32.load (i32.const 100))
      (i32.shl (i32.mul (i32.sub (local.get $s) (i32.const 1)) (local.get $letters)) (i32.const 2))))
    (memory.fill (local.get $row) (i32.const 0) (i32.shl (local.get $letters) (i32.const 2)))
    (call $ready (local.get $s))
    (local.set $e (call $edgeStart (local.get $s)))
    (local.set $end (call $edgeStart (i32.add (local.get $s) (i32.const 1))))
    (loop $ownEdges
      (if (i32.lt_u (local.get $e) (local.get $end))
        (then
          (i32.store (i32.add (local.get $row) (i32.shl (i32.load8_u (i32.add (local.get $chars) (local.get $e))) (i32.const 2)))
            (i32.add (local.get $e) (i32.const 1)))
          (local.set $e (i32.add (local.get $e) (i32.const 1)))
          (br $ownEdges))))
    (i32.store8 (i32.add (i32.load (i32.const 104)) (local.get $s)) (i32.const 1)))

  ;; Once the parts a scan wanted are in memory, the terms that scan could not find: each longer
  ;; than the cut, so read through a state of the cut depth where the scan noted a closed gate
  ;; (a candidate with term -1 - state, at the unit read next). From there the trie is walked down
  ;; the text, by edges alone, and every term end on the way is a candidate: a term starting where
  ;; that state's text starts. Terms no longer than the cut were all found by the scan itself, and
  ;; each longer one starts at exactly one such place, so the candidates are those a scan with the
  ;; whole automaton finds, in another order (which the choice of matches does not depend on).
  ;; This holds for a scan made with the top alone: one made with parts in memory also stands on
  ;; deeper states, whose links may pass a closed gate without its place being noted, so such a
  ;; scan is made again instead (highlighter.ts).
  (func (export "extend")
    (local $k i32) (local $n i32) (local $at i32) (local $s i32) (local $p i32) (local $len i32)
    (local $unit i32) (local $place i32) (local $cutFirst i32) (local $gates i32) (local $norm i32) (local $places i32)
    (local.set $n (i32.load (i32.const 60)))
    (local.set $len (i32.load (i32.const 48)))
    (local.set $cutFirst (i32.load (i32.const 112)))
    (local.set $gates (i32.load (i32.const 120)))
    (local.set $norm (i32.load (i32.const 32)))
    (local.set $places (i32.load (i32.const 108)))
    (block $done
      (loop $candidate
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $at (i32.add (i32.load (i32.const 44)) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $s (i32.sub (i32.const -1) (i32.load offset=4 (local.get $at))))
        (local.set $p (i32.load (local.get $at)))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        ;; A noted gate, now open.
        (br_if $candidate (i32.lt_s (local.get $s) (i32.const 0)))
        (br_if $candidate (i32.ne (i32.load8_u (i32.add (local.get $gates) (i32.sub (local.get $s) (local.get $cutFirst)))) (i32.const 1)))
        (block $walked
          (loop $walk
            (br_if $walked (i32.ge_u (local.get $p) (local.get $len)))
            (local.set $unit (i32.load16_u (i32.add (local.get $norm) (i32.shl (local.get $p) (i32.const 1)))))
            (if (local.get $places)
              (then
                (local.set $place (i32.load8_u (i32.add (local.get $places) (local.get $unit))))
                (br_if $walked (i32.eqz (local.get $place)))
                (local.set $s (call $child (local.get $s) (i32.sub (local.get $place) (i32.const 1)) (local.get $unit))))
              (else (local.set $s (call $child (local.get $s) (local.get $unit) (local.get $unit)))))
            (br_if $walked (i32.eqz (local.get $s)))
            (if (call $ends (local.get $s)) (then (call $emit (local.get $p) (call $termAt (local.get $s)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $walk)))
        (br $candidate))))

  ;; Reads `byteLength` bytes of UTF-8 at the input pointer as the text that continues what was fed.
  (func (export "feed") (param $byteLength i32)
    (local $p i32) (local $end i32) (local $raw i32) (local $code i32) (local $pending i32)
    (local $b i32) (local $v i32) (local $f i32) (local $len i32) (local $state i32)
    (local $foldT i32) (local $rootT i32) (local $edgeOffset i32) (local $edgeChar i32)
    (local $termBits i32) (local $samples i32) (local $norm i32) (local $upper i32) (local $src i32)
    (local $lo i32) (local $hi i32) (local $mid i32) (local $mc i32) (local $t i32)
    (local $narrow i32) (local $shift i32) (local $mask i32) (local $k i32) (local $ready i32)
    (local $depthOne i32) (local $rows i32) (local $rowsReady i32) (local $letters i32) (local $vec v128) (local $places i32)
    (local $cutFirst i32) (local $cutCount i32)
    (local.set $cutFirst (i32.load (i32.const 112)))
    (local.set $cutCount (i32.load (i32.const 116)))
    (local.set $letters (i32.load (i32.const 80)))
    (local.set $narrow (i32.ne (local.get $letters) (i32.const 0)))
    ;; The root's children are states 1 to $depthOne (none in a wide dictionary, which has no rows).
    (if (local.get $narrow)
      (then
        (call $ready (i32.const 0))
        (local.set $depthOne (i32.sub (call $edgeStart (i32.const 1)) (call $edgeStart (i32.const 0))))
        ;; No more than one a letter, but the rows stay inside their area even for damaged tables.
        (if (i32.gt_u (local.get $depthOne) (local.get $letters)) (then (local.set $depthOne (local.get $letters))))))
    (local.set $rows (i32.load (i32.const 100)))
    (local.set $rowsReady (i32.load (i32.const 104)))
    (local.set $places (i32.load (i32.const 108)))
    ;; An edge is read as (load16 at edgeChar + mid << shift) & mask: one byte, or two.
    (local.set $shift (i32.eqz (local.get $narrow)))
    (local.set $mask (select (i32.const 0xff) (i32.const 0xffff) (local.get $narrow)))
    (local.set $foldT (i32.load (i32.const 0)))
    (local.set $rootT (i32.load (i32.const 4)))
    (local.set $edgeOffset (i32.load (i32.const 8)))
    (local.set $edgeChar (i32.load (i32.const 12)))
    (local.set $termBits (i32.load (i32.const 20)))
    (local.set $samples (i32.load (i32.const 72)))
    (local.set $ready (i32.load (i32.const 84)))
    (local.set $p (i32.load (i32.const 28)))
    (local.set $norm (i32.load (i32.const 32)))
    (local.set $upper (i32.load (i32.const 36)))
    (local.set $src (i32.load (i32.const 40)))
    (local.set $len (i32.load (i32.const 48)))
    (local.set $state (i32.load (i32.const 52)))
    (local.set $raw (i32.load (i32.const 56)))
    (local.set $end (i32.add (local.get $p) (local.get $byteLength)))
    (block $done
      (loop $next
        ;; One UTF-16 unit: the low half of a pair decoded last time round, or the next character.
        (if (local.get $pending)
          (then
            (local.set $code (local.get $pending))
            (local.set $pending (i32.const 0)))
          (else
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $b (i32.load8_u (local.get $p)))
            (if (i32.lt_u (local.get $b) (i32.const 0x80))
              (then
                (local.set $code (local.get $b))
                (local.set $p (i32.add (local.get $p) (i32.const 1))))
              (else (if (i32.lt_u (local.get $b) (i32.const 0xe0))
                (then
                  (local.set $code (i32.or
                    (i32.shl (i32.and (local.get $b) (i32.const 0x1f)) (i32.const 6))
                    (i32.and (i32.load8_u offset=1 (local.get $p)) (i32.const 0x3f))))
                  (local.set $p (i32.add (local.get $p) (i32.const 2))))
                (else (if (i32.lt_u (local.get $b) (i32.const 0xf0))
                  (then
                    (local.set $code (i32.or (i32.or
                      (i32.shl (i32.and (local.get $b) (i32.const 0x0f)) (i32.const 12))
                      (i32.shl (i32.and (i32.load8_u offset=1 (local.get $p)) (i32.const 0x3f)) (i32.const 6)))
                      (i32.and (i32.load8_u offset=2 (local.get $p)) (i32.const 0x3f))))
                    (local.set $p (i32.add (local.get $p) (i32.const 3))))
                  (else
                    ;; Four bytes: a character beyond the BMP, two UTF-16 units as the page has it.
                    (local.set $code (i32.sub (i32.or (i32.or (i32.or
                      (i32.shl (i32.and (local.get $b) (i32.const 0x07)) (i32.const 18))
                      (i32.shl (i32.and (i32.load8_u offset=1 (local.get $p)) (i32.const 0x3f)) (i32.const 12)))
                      (i32.shl (i32.and (i32.load8_u offset=2 (local.get $p)) (i32.const 0x3f)) (i32.const 6)))
                      (i32.and (i32.load8_u offset=3 (local.get $p)) (i32.const 0x3f)))
                      (i32.const 0x10000)))
                    (local.set $pending (i32.or (i32.const 0xdc00) (i32.and (local.get $code) (i32.const 0x3ff))))
                    (local.set $code (i32.or (i32.const 0xd800) (i32.shr_u (local.get $code) (i32.const 10))))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))))))))))
        (block $skip
          (local.set $v (i32.load (i32.add (local.get $foldT) (i32.shl (local.get $code) (i32.const 2)))))
          (if (i32.eqz (local.get $v))
            (then
              (local.set $v (call $hanFold (local.get $code)))
              (if (i32.eqz (local.get $v)) (then (local.set $v (call $fold (local.get $code)))))
              ;; The folded unit's place in a narrow alphabet, in the top byte.
              (if (local.get $places)
                (then (local.set $v (i32.or (local.get $v)
                  (i32.shl (i32.load8_u (i32.add (local.get $places) (i32.and (local.get $v) (i32.const 0xffff)))) (i32.const 24))))))
              (i32.store (i32.add (local.get $foldT) (i32.shl (local.get $code) (i32.const 2))) (local.get $v))))
          (local.set $f (i32.and (local.get $v) (i32.const 0xffff)))
          (br_if $skip (i32.eq (local.get $f) (i32.const 0xffff)))
          ;; Runs of spaces collapse to one; none at the start or after a block boundary.
          (if (i32.eq (local.get $f) (i32.const 0x20))
            (then
              (if (i32.eqz (local.get $len))
                (then (local.set $b (i32.const 0x0a)))
                (else (local.set $b (i32.load16_u (i32.add (local.get $norm) (i32.shl (i32.sub (local.get $len) (i32.const 1)) (i32.const 1)))))))
              (if (i32.or (i32.eq (local.get $b) (i32.const 0x20)) (i32.eq (local.get $b) (i32.const 0x0a)))
                (then
                  ;; The rest of the run sixteen bytes at a time while they are all ASCII spaces, tabs
                  ;; or line ends (which fold to a space): a page's text is mostly the indentation
                  ;; of its markup (84% of nytimes-1's in runs of more than 16).
                  (block $runDone
                    (loop $run
                      (br_if $runDone (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
                      (local.set $vec (v128.load (local.get $p)))
                      (br_if $runDone (i32.eqz (i8x16.all_true (v128.or
                        (v128.or
                          (i8x16.eq (local.get $vec) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20))
                          (i8x16.eq (local.get $vec) (v128.const i8x16 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a 0x0a)))
                        (v128.or
                          (i8x16.eq (local.get $vec) (v128.const i8x16 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09 0x09))
                          (i8x16.eq (local.get $vec) (v128.const i8x16 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d 0x0d)))))))
                      (local.set $p (i32.add (local.get $p) (i32.const 16)))
                      (local.set $raw (i32.add (local.get $raw) (i32.const 16)))
                      (br $run)))
                  (br $skip)))))
          (i32.store16 (i32.add (local.get $norm) (i32.shl (local.get $len) (i32.const 1))) (local.get $f))
          (i32.store (i32.add (local.get $src) (i32.shl (local.get $len) (i32.const 2))) (local.get $raw))
          ;; FLAG_UPPER | FLAG_TEH_MARBUTA
          (i32.store8 (i32.add (local.get $upper) (local.get $len)) (i32.and (i32.shr_u (local.get $v) (i32.const 16)) (i32.const 10)))
          ;; The automaton: follow failure links until an edge reads f (its place $k in a narrow
          ;; dictionary's alphabet), or the root. A unit no edge reads leads to the root at once.
          (local.set $k (select
            (i32.sub (i32.shr_u (local.get $v) (i32.const 24)) (i32.const 1))
            (local.get $f)
            (local.get $narrow)))
          (if (i32.lt_s (local.get $k) (i32.const 0)) (then (local.set $state (i32.const 0))))
          (block $stepped
            (loop $follow
              (br_if $stepped (i32.eqz (local.get $state)))
              (if (i32.le_u (local.get $state) (local.get $depthOne))
                (then
                  (if (i32.eqz (i32.load8_u (i32.add (local.get $rowsReady) (local.get $state))))
                    (then (call $row (local.get $state))))
                  (local.set $state (i32.load (i32.add (local.get $rows)
                    (i32.shl (i32.add (i32.mul (i32.sub (local.get $state) (i32.const 1)) (local.get $letters)) (local.get $k)) (i32.const 2)))))
                  (br $stepped)))
              ;; The state's block has its offsets once a page first reaches it (the next state's
              ;; are in it too, or it is the first of the next block, whose own bits are 0).
              (if (i32.eqz (i32.load8_u (i32.add (local.get $ready) (i32.shr_u (local.get $state) (i32.const 6)))))
                (then (call $block (i32.shr_u (local.get $state) (i32.const 6)))))
              (local.set $lo (i32.add
                (i32.load (i32.add (local.get $samples) (i32.shl (i32.shr_u (local.get $state) (i32.const 6)) (i32.const 2))))
                (i32.load16_u (i32.add (local.get $edgeOffset) (i32.shl (local.get $state) (i32.const 1))))))
              (local.set $hi (i32.sub (i32.add
                (i32.load (i32.add (local.get $samples) (i32.shl (i32.shr_u (i32.add (local.get $state) (i32.const 1)) (i32.const 6)) (i32.const 2))))
                (i32.load16_u offset=2 (i32.add (local.get $edgeOffset) (i32.shl (local.get $state) (i32.const 1)))))
                (i32.const 1)))
              (block $notFound
                (loop $search
                  (br_if $notFound (i32.gt_s (local.get $lo) (local.get $hi)))
                  (local.set $mid (i32.shr_s (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
                  (local.set $mc (i32.and
                    (i32.load16_u (i32.add (local.get $edgeChar) (i32.shl (local.get $mid) (local.get $shift))))
                    (local.get $mask)))
                  (if (i32.eq (local.get $mc) (local.get $k))
                    (then
                      ;; A state of the cut depth whose part is not in memory: as if no edge, and
                      ;; the place noted among the candidates (term -1 - state, see "extend").
                      (if (i32.lt_u (i32.sub (local.get $state) (local.get $cutFirst)) (local.get $cutCount))
                        (then (if (i32.eqz (call $open (local.get $state)))
                          (then
                            (call $emit (local.get $len) (i32.sub (i32.const -1) (local.get $state)))
                            (br $notFound)))))
                      (local.set $state (i32.add (local.get $mid) (i32.const 1)))
                      (br $stepped)))
                  (if (i32.lt_u (local.get $mc) (local.get $k))
                    (then (local.set $lo (i32.add (local.get $mid) (i32.const 1))))
                    (else (local.set $hi (i32.sub (local.get $mid) (i32.const 1)))))
                  (br $search)))
              (local.set $state (call $failOf (local.get $state)))
              (br $follow)))
          (if (i32.eqz (local.get $state))
            (then (local.set $state (i32.load (i32.add (local.get $rootT) (i32.shl (local.get $f) (i32.const 2)))))))
          (if (local.get $state)
            (then
              ;; The term-end bit read in place ($ends): this runs for nearly every character.
              (if (i32.wrap_i64 (i64.and
                    (i64.shr_u
                      (i64.load (i32.add (local.get $termBits) (i32.shl (i32.shr_u (local.get $state) (i32.const 6)) (i32.const 3))))
                      (i64.extend_i32_u (local.get $state)))
                    (i64.const 1)))
                (then (call $emit (local.get $len) (call $termAt (local.get $state)))))
              (local.set $t (call $out (local.get $state)))
              (block $outDone
                (loop $chain
                  (br_if $outDone (i32.lt_s (local.get $t) (i32.const 0)))
                  (call $emit (local.get $len) (call $termAt (local.get $t)))
                  (local.set $t (call $out (local.get $t)))
                  (br $chain)))))
          (local.set $len (i32.add (local.get $len) (i32.const 1))))
        (local.set $raw (i32.add (local.get $raw) (i32.const 1)))
        (br $next)))
    (i32.store (i32.const 48) (local.get $len))
    (i32.store (i32.const 52) (local.get $state))
    (i32.store (i32.const 56) (local.get $raw))))
