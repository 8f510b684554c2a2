//! Per-customer totals accumulated batch by batch from transaction lines: line counts, first
//! and last purchase, total amount, distinct orders, distinct items and channels, returns.
//!
//! An order is a line's order id, or for a line without one the customer's purchase day
//! (UTC), decided line by line: the definition of `prepare::orders`, counted here without
//! building its text key for every line.
//!
//! Lines are split by a hash of their customer id into partitions that each own their
//! customers' state, so the partitions update on all cores without locks, and each
//! partition's maps stay small enough for the CPU cache. One polars group-by with three
//! `n_unique` aggregations spent most of `ckm segment`'s time; this does the same work in one
//! pass with a hash-set insert per distinct value.
//!
//! A batch is first gathered into one compact record per line, grouped by partition, so that
//! a partition reads its lines from a few contiguous runs of memory. Reading them straight
//! from the columns instead touched a new cache line in every column for every line (a
//! partition's lines are one in 256 of the batch), and that was most of the time.
//!
//! Customer ids of at most 12 bytes (most ids) are compared as one 128-bit number taken from
//! their string view; longer ids by hash, confirmed on their text. Distinct orders, items and
//! channels are recognised by a 64-bit hash of their text within each customer: two different
//! order ids of the same customer would have to collide, which for a customer with k orders
//! happens with probability about k² / 2⁶⁵ (and see [`pair_key`]).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

use crate::mining::columns::{inline_bytes, inline_key, TextViews, Values};
use crate::mining::money;

const PARTITION_BITS: u32 = 8;
const PARTITIONS: usize = 1 << PARTITION_BITS;
const MS_PER_DAY: i64 = 86_400_000;
/// Rows gathered by one task: a few megabytes of line records.
const GATHER_ROWS: usize = 1 << 16;

/// One batch of lines, column by column (all the same length), as Arrow columns. Columns the
/// input does not have are `None`.
pub struct LineBatch<'a> {
    pub customer: TextViews<'a>,
    pub ts_ms: Values<'a, i64>,
    pub amount: Values<'a, f64>,
    pub order: Option<TextViews<'a>>,
    pub item: Option<TextViews<'a>>,
    pub channel: Option<TextViews<'a>>,
    pub is_return: Option<&'a [Option<bool>]>,
}
/// Customers per piece of [`SortedTotals::id_pieces`].
pub const ID_PIECE: usize = 1 << 16;

/// Every customer's totals, sorted by customer id, column by column: entry `i` of each column
/// belongs to the customer `id(i)`.
pub struct SortedTotals {
    /// The ids in pieces of [`ID_PIECE`] customers (the last may be shorter): each piece's
    /// text and where each of its ids ends in it.
    pub id_pieces: Vec<(String, Vec<u32>)>,
    pub lines: Vec<u64>,
    pub lines_without_ts: Vec<u64>,
    /// Earliest and latest timestamp (ms), meaningful where `has_ts`.
    pub first_ms: Vec<i64>,
    pub last_ms: Vec<i64>,
    pub has_ts: Vec<bool>,
    pub frequency: Vec<u64>,
    pub monetary: Vec<f64>,
    pub distinct_items: Vec<u64>,
    pub channels: Vec<u64>,
    pub return_rate: Vec<Option<f64>>,
}

#[cfg(test)]
impl SortedTotals {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn id(&self, i: usize) -> &str {
        let (text, ends) = &self.id_pieces[i / ID_PIECE];
        let j = i % ID_PIECE;
        let start = if j == 0 { 0 } else { ends[j - 1] as usize };
        &text[start..ends[j] as usize]
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.id(i))
    }

    /// Customer `i`'s totals as one record.
    pub fn total(&self, i: usize) -> CustomerTotal {
        CustomerTotal {
            lines: self.lines[i],
            lines_without_ts: self.lines_without_ts[i],
            first_ms: self.has_ts[i].then_some(self.first_ms[i]),
            last_ms: self.has_ts[i].then_some(self.last_ms[i]),
            frequency: self.frequency[i],
            monetary: self.monetary[i],
            distinct_items: self.distinct_items[i],
            channels: self.channels[i],
            return_rate: self.return_rate[i],
        }
    }
}

/// One piece of [`SortedTotals`]' columns, written by one task.
struct TotalsPiece<'a> {
    lines: &'a mut [u64],
    lines_without_ts: &'a mut [u64],
    first_ms: &'a mut [i64],
    last_ms: &'a mut [i64],
    has_ts: &'a mut [bool],
    frequency: &'a mut [u64],
    monetary: &'a mut [f64],
    distinct_items: &'a mut [u64],
    channels: &'a mut [u64],
    return_rate: &'a mut [Option<f64>],
}

impl TotalsPiece<'_> {
    fn set(&mut self, j: usize, t: CustomerTotal) {
        self.lines[j] = t.lines;
        self.lines_without_ts[j] = t.lines_without_ts;
        self.has_ts[j] = t.first_ms.is_some();
        self.first_ms[j] = t.first_ms.unwrap_or(0);
        self.last_ms[j] = t.last_ms.unwrap_or(0);
        self.frequency[j] = t.frequency;
        self.monetary[j] = t.monetary;
        self.distinct_items[j] = t.distinct_items;
        self.channels[j] = t.channels;
        self.return_rate[j] = t.return_rate;
    }
}

impl SortedTotals {
    fn with_len(n: usize) -> Self {
        SortedTotals {
            id_pieces: Vec::new(),
            lines: vec![0; n],
            lines_without_ts: vec![0; n],
            first_ms: vec![0; n],
            last_ms: vec![0; n],
            has_ts: vec![false; n],
            frequency: vec![0; n],
            monetary: vec![0.0; n],
            distinct_items: vec![0; n],
            channels: vec![0; n],
            return_rate: vec![None; n],
        }
    }

    /// The columns cut into pieces of [`ID_PIECE`] rows, one per task.
    fn pieces(&mut self) -> Vec<TotalsPiece<'_>> {
        let mut lines_without_ts = self.lines_without_ts.chunks_mut(ID_PIECE);
        let mut first_ms = self.first_ms.chunks_mut(ID_PIECE);
        let mut last_ms = self.last_ms.chunks_mut(ID_PIECE);
        let mut has_ts = self.has_ts.chunks_mut(ID_PIECE);
        let mut frequency = self.frequency.chunks_mut(ID_PIECE);
        let mut monetary = self.monetary.chunks_mut(ID_PIECE);
        let mut distinct_items = self.distinct_items.chunks_mut(ID_PIECE);
        let mut channels = self.channels.chunks_mut(ID_PIECE);
        let mut return_rate = self.return_rate.chunks_mut(ID_PIECE);
        let mut pieces = Vec::new();
        for lines in self.lines.chunks_mut(ID_PIECE) {
            pieces.push(TotalsPiece {
                lines,
                lines_without_ts: lines_without_ts.next().unwrap_or_default(),
                first_ms: first_ms.next().unwrap_or_default(),
                last_ms: last_ms.next().unwrap_or_default(),
                has_ts: has_ts.next().unwrap_or_default(),
                frequency: frequency.next().unwrap_or_default(),
                monetary: monetary.next().unwrap_or_default(),
                distinct_items: distinct_items.next().unwrap_or_default(),
                channels: channels.next().unwrap_or_default(),
                return_rate: return_rate.next().unwrap_or_default(),
            });
        }
        pieces
    }
}

/// One customer's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerTotal {
    pub lines: u64,
    pub lines_without_ts: u64,
    /// Earliest and latest timestamp (ms), `None` when no line has one.
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    /// Distinct orders: order ids, plus the distinct days of the lines without one.
    pub frequency: u64,
    /// Sum of the non-null amounts (0 when there are none).
    pub monetary: f64,
    pub distinct_items: u64,
    pub channels: u64,
    /// Share of the lines with a known return flag that are returns (`None` when no line has
    /// one).
    pub return_rate: Option<f64>,
}

/// One customer's running totals, one cache line: every line of the input touches one of
/// these at a random place in memory, so its size is a cache miss or two per line. Counts are
/// u32: four billion lines of one customer are not a customer.
#[derive(Default, Clone)]
#[repr(align(64))]
struct Running {
    lines: u32,
    lines_without_ts: u32,
    first_ms: i64,
    last_ms: i64,
    /// In millionths (see [`money`]): the same total in any order of the lines.
    monetary_micros: i64,
    /// The previous line's order: the lines of an order usually come together, and those
    /// need no set lookup.
    last_order: u64,
    channel_bits: u32,
    spilled_channels: u32,
    returns: u32,
    return_flags: u32,
}

/// Identity hashing for keys that are already hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type PreHashed = std::hash::BuildHasherDefault<IdentityHasher>;

/// Distinct (customer, value) pairs, counted per customer.
///
/// Inserting each line's pair into the set at once would miss the CPU cache almost every
/// time (the sets of all partitions are hundreds of megabytes). Pairs wait in `pending`
/// instead, and go in together once there are enough of them, in the order
/// of the buckets they land in, so the set is swept through memory front to back rather than
/// visited at random. The per-customer counts are small enough to stay in cache.
#[derive(Default)]
struct DistinctPairs {
    set: std::collections::HashSet<u64, PreHashed>,
    pending: Vec<(u64, u32)>,
    counts: Vec<u32>,
}

/// Pending pairs are inserted once there are this many, or an eighth of what the set holds.
/// Flushing at a fraction of the set rather than at its size was faster on the 10M-line
/// benchmark (read and totals 2.7 s against 3.3 s): a smaller batch of pending pairs stays in
/// cache while it is sorted.
const FLUSH_PAIRS: usize = 1 << 13;
const FLUSH_SHARE: usize = 8;
const FLUSH_GROUP_BITS: u32 = 8;

thread_local! {
    /// Pending pairs grouped for a flush: one buffer per thread rather than one per set.
    static FLUSH_SCRATCH: std::cell::RefCell<Vec<(u64, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl DistinctPairs {
    /// Flushes as soon as enough pairs wait, so the pending list never grows past that.
    fn push(&mut self, customer: u32, hash: u64) {
        self.pending.push((pair_key(customer, hash), customer));
        if self.pending.len() >= FLUSH_PAIRS.max(self.set.capacity() / FLUSH_SHARE) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.set.reserve(self.pending.len());
        // hashbrown's first probe is the key's low bits (the identity hasher passes the key
        // through). Grouped by the top bits of those, the inserts walk the table front to
        // back, each group within a few kilobytes of it. A counting sort into 256 groups does
        // that in two passes; a full sort of the pending pairs took three times as long.
        let mask = (self.set.capacity() * 8 / 7).next_power_of_two() as u64 - 1;
        let shift = mask.count_ones().saturating_sub(FLUSH_GROUP_BITS);
        let group = |key: u64| ((key & mask) >> shift) as usize;
        let mut starts = [0usize; (1 << FLUSH_GROUP_BITS) + 1];
        for &(key, _) in &self.pending {
            starts[group(key) + 1] += 1;
        }
        for g in 1..starts.len() {
            starts[g] += starts[g - 1];
        }
        FLUSH_SCRATCH.with_borrow_mut(|grouped| {
            grouped.clear();
            grouped.resize(self.pending.len(), (0, 0));
            for &pair in &self.pending {
                let slot = &mut starts[group(pair.0)];
                grouped[*slot] = pair;
                *slot += 1;
            }
            for &(key, customer) in grouped.iter() {
                if self.set.insert(key) {
                    let c = customer as usize;
                    if c >= self.counts.len() {
                        self.counts.resize(c + 1, 0);
                    }
                    self.counts[c] += 1;
                }
            }
        });
        self.pending.clear();
    }

    /// Distinct values of a customer; pending pairs must have been flushed.
    fn count(&self, customer: usize) -> u32 {
        self.counts.get(customer).copied().unwrap_or(0)
    }
}

/// A customer number and a value's hash as one key: the value's hash moved by an odd
/// multiple of the customer number. Keys stay exact per customer (one customer's keys differ
/// exactly when the hashes do); two pairs of different customers collide with probability
/// 2⁻⁶⁴ per pair, about 10⁻¹¹ for a partition's 35,000 items: half the memory of a
/// (u32, u64) key, and so half the cache misses.
fn pair_key(customer: u32, hash: u64) -> u64 {
    hash.wrapping_add((customer as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Up to this many distinct channels per partition are kept as bits of a mask per customer;
/// more spill over into a set.
const CHANNEL_BITS: usize = 32;

/// A line's customer id as its record carries it: an id of at most 12 bytes is its
/// [`inline_key`] (the low 32 bits, its length, are at most 12); a longer one is [`LONG_ID`]
/// in the low 32 bits, the id's hash in the next 64 and its row in the batch in the top 32.
type CustomerKey = u128;

const LONG_ID: u128 = u32::MAX as u128;

fn long_key(hash: u64, row: usize) -> CustomerKey {
    LONG_ID | (hash as u128) << 32 | (row as u128) << 96
}

fn is_long(key: CustomerKey) -> bool {
    key as u32 == u32::MAX
}

/// The key without the row: equal for every line of the same long id.
fn without_row(key: CustomerKey) -> u128 {
    key & ((1u128 << 96) - 1)
}

fn row_of(key: CustomerKey) -> usize {
    (key >> 96) as usize
}

fn customer_hash(hasher: &FixedState, key: CustomerKey) -> u64 {
    if is_long(key) {
        (key >> 32) as u64
    } else {
        hasher.hash_one(key)
    }
}

/// Partitions by bits from the middle of the hash: hashbrown places keys by the low bits and
/// tags them with the top seven, and those must still vary within a partition.
fn partition_of(hash: u64) -> usize {
    ((hash >> 40) as usize) & (PARTITIONS - 1)
}

/// The hash of a text value: 0 for a missing value, an odd number otherwise.
fn value_hash(hasher: &FixedState, text: &TextViews, row: usize) -> u64 {
    if !text.is_present(row) {
        return 0;
    }
    match inline_key(text.views[row]) {
        Some(key) => hasher.hash_one(key) | 1,
        None => hasher.hash_one(text.buffered_bytes(row)) | 1,
    }
}

fn customer_key(hasher: &FixedState, customer: &TextViews, row: usize) -> Option<CustomerKey> {
    if !customer.is_present(row) {
        return None;
    }
    Some(match inline_key(customer.views[row]) {
        Some(key) => key,
        None => long_key(hasher.hash_one(customer.buffered_bytes(row)), row),
    })
}

/// One line as its partition needs it: 64 bytes, a cache line.
#[derive(Clone, Copy, Default)]
struct Line {
    customer: CustomerKey,
    ts_ms: i64,
    amount: f64,
    /// Hashes of the order, item and channel (0 when missing).
    order: u64,
    item: u64,
    channel: u64,
    flags: u8,
}

const HAS_TS: u8 = 1;
const HAS_AMOUNT: u8 = 2;
const RETURN_KNOWN: u8 = 4;
const RETURNED: u8 = 8;

/// The lines of a range of rows, grouped by partition: partition p's are
/// `lines[starts[p]..starts[p + 1]]`, in input order. Kept between batches so that its memory
/// is reused rather than faulted in afresh.
#[derive(Default)]
struct Gathered {
    lines: Vec<Line>,
    starts: Vec<usize>,
    /// Each row's customer key and partition, between the two passes.
    keys: Vec<CustomerKey>,
    partitions: Vec<u16>,
    without_customer: u64,
}

impl Gathered {
    fn gather(&mut self, batch: &LineBatch, hasher: &FixedState, rows: std::ops::Range<usize>) {
        // Lines without a customer id go to a slot past the last partition.
        let mut counts = [0usize; PARTITIONS + 1];
        self.keys.clear();
        self.partitions.clear();
        for row in rows.clone() {
            let key = customer_key(hasher, &batch.customer, row);
            let p = key.map_or(PARTITIONS, |key| partition_of(customer_hash(hasher, key)));
            counts[p] += 1;
            self.keys.push(key.unwrap_or_default());
            self.partitions.push(p as u16);
        }
        self.without_customer = counts[PARTITIONS] as u64;
        self.starts.clear();
        self.starts.push(0);
        let mut start = 0;
        for count in &counts[..PARTITIONS] {
            start += count;
            self.starts.push(start);
        }
        let with_customer = self.starts[PARTITIONS];
        if self.lines.len() < with_customer {
            self.lines.resize(with_customer, Line::default());
        }
        let mut next = self.starts.clone();
        let text_hash =
            |text: &Option<TextViews>, row| text.as_ref().map_or(0, |t| value_hash(hasher, t, row));
        for ((row, &p), &customer) in rows.zip(&self.partitions).zip(&self.keys) {
            let p = p as usize;
            if p == PARTITIONS {
                continue;
            }
            let ts = batch.ts_ms.get(row);
            let amount = batch.amount.get(row);
            let returned = batch.is_return.and_then(|r| r[row]);
            let flags = ts.map_or(0, |_| HAS_TS)
                | amount.map_or(0, |_| HAS_AMOUNT)
                | returned.map_or(0, |r| RETURN_KNOWN | if r { RETURNED } else { 0 });
            self.lines[next[p]] = Line {
                customer,
                ts_ms: ts.unwrap_or(0),
                amount: amount.unwrap_or(0.0),
                order: text_hash(&batch.order, row),
                item: text_hash(&batch.item, row),
                channel: text_hash(&batch.channel, row),
                flags,
            };
            next[p] += 1;
        }
    }

    fn lines_of(&self, partition: usize) -> &[Line] {
        &self.lines[self.starts[partition]..self.starts[partition + 1]]
    }
}

/// Lines looked ahead when prefetching.
const PREFETCH_LINES: usize = 8;

/// Asks the CPU to start loading the cache line of `value`; a hint with no other effect.
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching only hints the cache; the pointer is not dereferenced, and it comes
    // from a reference, so it is valid in any case. SSE, which the instruction needs, is part
    // of every x86_64 CPU.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Customer numbers by customer key: open addressing with linear probing in a power-of-two
/// table at most half full. Written here rather than taken from hashbrown so that the slot of
/// a lookup can be prefetched a few lines ahead: with a million customers nearly every lookup
/// misses the cache, and overlapping those misses is most of the speed.
///
/// A slot is one u128, 0 when empty: the bits of the key above its low 32 (an id's bytes, or
/// a long id's hash), then in the low 32 bits the customer number + 1 shifted left by four
/// and, in the low four, the id's length or [`LONG_TAG`].
#[derive(Default)]
struct CustomerIndex {
    slots: Vec<u128>,
    len: usize,
}

const LONG_TAG: u128 = 15;
const TAG_BITS: u32 = 4;
const NUMBER_MASK: u128 = 0xffff_fff0;

/// A customer key as it is held in the index: a long id's hash without its row, tagged
/// [`LONG_TAG`]; an id of at most 12 bytes whole (its length, at most 12, fits the four tag
/// bits, so the index key is the customer key itself). The row is in the top 32 bits of a long
/// key only: taking them off a short key too lost its last four bytes, and ids alike in their
/// first eight bytes and length (web:1000053 and web:1000359) were taken for one customer.
fn index_key(key: CustomerKey) -> u128 {
    if is_long(key) {
        (without_row(key) & !0xffff_ffff) | LONG_TAG
    } else {
        key
    }
}

fn index_key_hash(hasher: &FixedState, indexed: u128) -> u64 {
    if indexed & 15 == LONG_TAG {
        (indexed >> 32) as u64
    } else {
        // For an id of at most 12 bytes the index key is the customer key itself.
        hasher.hash_one(indexed)
    }
}

impl CustomerIndex {
    fn slot_of(&self, hash: u64) -> usize {
        hash as usize & (self.slots.len() - 1)
    }

    fn prefetch(&self, hash: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[self.slot_of(hash)]);
        }
    }

    /// The first customer number under `hash` whose index key is `indexed` and for which
    /// `is_match(number)` holds (long ids with the same hash, astronomically rare, are told
    /// apart by the caller's test of their text).
    fn find(&self, hash: u64, indexed: u128, is_match: impl Fn(u32) -> bool) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.slot_of(hash);
        loop {
            let entry = self.slots[slot];
            if entry == 0 {
                return None;
            }
            let number = ((entry & NUMBER_MASK) >> TAG_BITS) as u32 - 1;
            if entry & !NUMBER_MASK == indexed && is_match(number) {
                return Some(number);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Adds a customer that is not in the index yet; `hash_of` gives the hash of an index key
    /// already in it when the table grows.
    fn insert(&mut self, hash: u64, indexed: u128, customer: u32, hash_of: impl Fn(u128) -> u64) {
        if (self.len + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(64);
            let old = std::mem::replace(&mut self.slots, vec![0; size]);
            for entry in old.into_iter().filter(|&e| e != 0) {
                self.place(hash_of(entry & !NUMBER_MASK), entry);
            }
        }
        // A partition holds at most 2^28 - 1 customers this way: 68 billion in all.
        debug_assert!(customer < (1 << 28) - 1);
        self.place(hash, indexed | ((customer as u128 + 1) << TAG_BITS));
        self.len += 1;
    }

    fn place(&mut self, hash: u64, entry: u128) {
        let mask = self.slots.len() - 1;
        let mut slot = self.slot_of(hash);
        while self.slots[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = entry;
    }
}

#[derive(Default)]
struct Partition {
    index: CustomerIndex,
    /// Per batch, the customer number of each of the partition's lines.
    numbers: Vec<u32>,
    id_bytes: Vec<u8>,
    id_ends: Vec<u32>,
    running: Vec<Running>,
    orders: DistinctPairs,
    items: DistinctPairs,
    spilled_channels: std::collections::HashSet<u64, PreHashed>,
    /// (customer number, day) packed exactly into a u64, for lines without an order id, and
    /// the number of distinct days per customer that has such lines.
    days: HashSet<u64>,
    day_counts: HashMap<u32, u32>,
    channel_hashes: Vec<u64>,
}

/// Totals so far, plus the lines that had no customer id.
pub struct CustomerTotals {
    partitions: Vec<Partition>,
    gathered: Vec<Gathered>,
    lines_without_customer: u64,
    hasher: FixedState,
}

impl Default for CustomerTotals {
    fn default() -> Self {
        Self::new()
    }
}

impl CustomerTotals {
    pub fn new() -> Self {
        Self {
            partitions: (0..PARTITIONS).map(|_| Partition::default()).collect(),
            gathered: Vec::new(),
            lines_without_customer: 0,
            hasher: FixedState::with_seed(0x5eed_c0ff_ee00_0001),
        }
    }

    pub fn lines_without_customer(&self) -> u64 {
        self.lines_without_customer
    }

    pub fn add(&mut self, batch: &LineBatch) {
        let n = batch.customer.rows();
        let hasher = &self.hasher;
        let ranges = n.div_ceil(GATHER_ROWS);
        if self.gathered.len() < ranges {
            self.gathered.resize_with(ranges, Gathered::default);
        }
        let gathered = &mut self.gathered[..ranges];
        gathered.par_iter_mut().enumerate().for_each(|(i, g)| {
            let start = i * GATHER_ROWS;
            g.gather(batch, hasher, start..(start + GATHER_ROWS).min(n));
        });
        let gathered = &self.gathered[..ranges];
        self.lines_without_customer += gathered.iter().map(|g| g.without_customer).sum::<u64>();
        self.partitions
            .par_iter_mut()
            .enumerate()
            .for_each(|(p, partition)| {
                partition.number_lines(batch, hasher, gathered.iter().map(|g| g.lines_of(p)));
                let lines = gathered.iter().flat_map(|g| g.lines_of(p));
                let numbers = std::mem::take(&mut partition.numbers);
                for (i, (line, &c)) in lines.zip(&numbers).enumerate() {
                    if let Some(&ahead) = numbers.get(i + PREFETCH_LINES) {
                        prefetch(&partition.running[ahead as usize]);
                    }
                    partition.add_line(line, c);
                }
                partition.numbers = numbers;
            });
    }

    /// The totals, sorted by customer id (byte order), so that results do not depend on the
    /// order in which batches arrived.
    pub fn finish(self) -> SortedTotals {
        let mut partitions = self.partitions;
        partitions.par_iter_mut().for_each(|partition| {
            partition.orders.flush();
            partition.items.flush();
        });
        let partitions = &partitions;
        // Sorted by the first eight bytes as a number, the rest compared only on a tie:
        // customer ids are mostly that short, and integer keys sort far faster than strings.
        let mut order: Vec<(u64, u32, u32)> = partitions
            .par_iter()
            .enumerate()
            .flat_map_iter(|(p, partition)| {
                (0..partition.running.len()).map(move |c| {
                    let id = partition.id(c as u32);
                    let mut prefix = [0u8; 8];
                    let n = id.len().min(8);
                    prefix[..n].copy_from_slice(&id[..n]);
                    (u64::from_be_bytes(prefix), p as u32, c as u32)
                })
            })
            .collect();
        let id_of = |&(_, p, c): &(u64, u32, u32)| partitions[p as usize].id(c);
        order.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id_of(a).cmp(id_of(b))));
        // Straight into the columns, in parallel: every customer reads its state at a random
        // place in memory, and with two threads twice as many of those reads are on their way
        // at once. No record per customer is built in between (100 MB on a million).
        let mut sorted = SortedTotals::with_len(order.len());
        let id_pieces: Vec<(String, Vec<u32>)> = sorted
            .pieces()
            .into_par_iter()
            .zip(order.par_chunks(ID_PIECE))
            .map(|(mut piece, entries)| {
                let mut text = String::new();
                let mut ends = Vec::with_capacity(entries.len());
                for (j, entry) in entries.iter().enumerate() {
                    let (_, p, c) = *entry;
                    let partition = &partitions[p as usize];
                    piece.set(j, partition.total(c as usize, &partition.running[c as usize]));
                    // Ids come from text columns, so they are UTF-8 and nothing is replaced.
                    text.push_str(&String::from_utf8_lossy(id_of(entry)));
                    ends.push(text.len() as u32);
                }
                (text, ends)
            })
            .collect();
        sorted.id_pieces = id_pieces;
        sorted
    }
}

impl Partition {
    fn total(&self, c: usize, r: &Running) -> CustomerTotal {
        let has_ts = r.lines > r.lines_without_ts;
        CustomerTotal {
            lines: r.lines as u64,
            lines_without_ts: r.lines_without_ts as u64,
            first_ms: has_ts.then_some(r.first_ms),
            last_ms: has_ts.then_some(r.last_ms),
            frequency: self.orders.count(c) as u64
                + self.day_counts.get(&(c as u32)).copied().unwrap_or(0) as u64,
            monetary: money::units(r.monetary_micros),
            distinct_items: self.items.count(c) as u64,
            channels: (r.channel_bits.count_ones() + r.spilled_channels) as u64,
            return_rate: (r.return_flags > 0).then(|| r.returns as f64 / r.return_flags as f64),
        }
    }

    fn id(&self, c: u32) -> &[u8] {
        let start = match c {
            0 => 0,
            _ => self.id_ends[c as usize - 1] as usize,
        };
        &self.id_bytes[start..self.id_ends[c as usize] as usize]
    }

    /// Finds the customer number of each line (a new one the first time an id is seen) into
    /// `numbers`. The index slot of a line a few lines ahead is prefetched, so that the cache
    /// misses of several lookups overlap instead of following one another.
    fn number_lines<'l>(
        &mut self,
        batch: &LineBatch,
        hasher: &FixedState,
        runs: impl Iterator<Item = &'l [Line]>,
    ) {
        self.numbers.clear();
        // Lines of one order come together and stay together within a partition: the
        // previous line's customer is remembered, which spares most id lookups.
        let mut previous: Option<(CustomerKey, u32)> = None;
        for lines in runs {
            for (i, line) in lines.iter().enumerate() {
                if let Some(ahead) = lines.get(i + PREFETCH_LINES) {
                    self.index.prefetch(customer_hash(hasher, ahead.customer));
                }
                let key = line.customer;
                let c = match previous {
                    Some((before, c)) if before == key => c,
                    Some((before, c))
                        if is_long(key)
                            && without_row(before) == without_row(key)
                            && batch.customer.buffered_bytes(row_of(before))
                                == batch.customer.buffered_bytes(row_of(key)) =>
                    {
                        c
                    }
                    _ => self.customer_number(batch, hasher, key),
                };
                self.numbers.push(c);
                previous = Some((key, c));
            }
        }
    }

    /// The customer number of a line's customer, a new one the first time an id is seen.
    fn customer_number(&mut self, batch: &LineBatch, hasher: &FixedState, key: CustomerKey) -> u32 {
        let hash = customer_hash(hasher, key);
        let indexed = index_key(key);
        let long_text = is_long(key).then(|| batch.customer.buffered_bytes(row_of(key)));
        let found = self
            .index
            .find(hash, indexed, |c| long_text.is_none_or(|text| self.id(c) == text));
        if let Some(c) = found {
            return c;
        }
        let c = self.running.len() as u32;
        match long_text {
            Some(text) => self.id_bytes.extend_from_slice(text),
            None => self.id_bytes.extend_from_slice(&inline_bytes(key)),
        }
        self.id_ends.push(self.id_bytes.len() as u32);
        self.running.push(Running {
            first_ms: i64::MAX,
            last_ms: i64::MIN,
            ..Running::default()
        });
        self.index.insert(hash, indexed, c, |k| index_key_hash(hasher, k));
        c
    }

    /// Adds one line of customer `c`.
    fn add_line(&mut self, line: &Line, c: u32) {
        let r = &mut self.running[c as usize];
        r.lines += 1;
        let ts = (line.flags & HAS_TS != 0).then_some(line.ts_ms);
        match ts {
            Some(ts) => {
                r.first_ms = r.first_ms.min(ts);
                r.last_ms = r.last_ms.max(ts);
            }
            None => r.lines_without_ts += 1,
        }
        if line.flags & HAS_AMOUNT != 0 {
            r.monetary_micros += money::micros(line.amount).unwrap_or(0);
        }
        match line.order {
            0 => {
                // A line without an order id is an order of its day; without a time, of none.
                if let Some(ts) = ts {
                    let day = ts.div_euclid(MS_PER_DAY) as u32 as u64;
                    if self.days.insert(((c as u64) << 32) | day) {
                        *self.day_counts.entry(c).or_default() += 1;
                    }
                }
            }
            order => {
                if order != r.last_order {
                    r.last_order = order;
                    self.orders.push(c, order);
                }
            }
        }
        if line.item != 0 {
            self.items.push(c, line.item);
        }
        if line.channel != 0 {
            let channel = line.channel;
            let bit = match self.channel_hashes.iter().position(|&h| h == channel) {
                Some(bit) => Some(bit),
                None if self.channel_hashes.len() < CHANNEL_BITS => {
                    self.channel_hashes.push(channel);
                    Some(self.channel_hashes.len() - 1)
                }
                None => None,
            };
            match bit {
                Some(bit) => r.channel_bits |= 1 << bit,
                None => {
                    if self.spilled_channels.insert(pair_key(c, channel)) {
                        r.spilled_channels += 1;
                    }
                }
            }
        }
        if line.flags & RETURN_KNOWN != 0 {
            r.return_flags += 1;
            r.returns += (line.flags & RETURNED != 0) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mining::columns::{OwnedTextViews, OwnedValues};
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A batch's columns as options, laid out as Arrow columns for [`CustomerTotals::add`].
    struct Columns<'s> {
        customer: &'s [Option<&'s str>],
        ts: &'s [Option<i64>],
        amount: &'s [Option<f64>],
        order: Option<&'s [Option<&'s str>]>,
        item: Option<&'s [Option<&'s str>]>,
        channel: Option<&'s [Option<&'s str>]>,
        is_return: Option<&'s [Option<bool>]>,
    }

    impl<'s> Columns<'s> {
        /// Lines with only the three columns every input has.
        fn new(customer: &'s [Option<&'s str>], ts: &'s [Option<i64>], amount: &'s [Option<f64>]) -> Self {
            Self {
                customer,
                ts,
                amount,
                order: None,
                item: None,
                channel: None,
                is_return: None,
            }
        }
    }

    fn views<'a>(
        text: &'a Option<OwnedTextViews>,
        buffers: &'a Option<[&'a [u8]; 1]>,
    ) -> Option<TextViews<'a>> {
        text.as_ref().zip(buffers.as_ref()).map(|(t, b)| t.views(b))
    }

    fn with_batch<R>(columns: Columns, f: impl FnOnce(&LineBatch) -> R) -> R {
        let text = |values: &[Option<&str>]| OwnedTextViews::new(values.iter().copied());
        let customer = text(columns.customer);
        let order = columns.order.map(text);
        let item = columns.item.map(text);
        let channel = columns.channel.map(text);
        fn buffers(text: &Option<OwnedTextViews>) -> Option<[&[u8]; 1]> {
            text.as_ref().map(|t| [t.buffer()])
        }
        let (customer_buffers, order_buffers, item_buffers, channel_buffers) = (
            [customer.buffer()],
            buffers(&order),
            buffers(&item),
            buffers(&channel),
        );
        let ts = OwnedValues::new(columns.ts.iter().copied());
        let amount = OwnedValues::new(columns.amount.iter().copied());
        f(&LineBatch {
            customer: customer.views(&customer_buffers),
            ts_ms: ts.values(),
            amount: amount.values(),
            order: views(&order, &order_buffers),
            item: views(&item, &item_buffers),
            channel: views(&channel, &channel_buffers),
            is_return: columns.is_return,
        })
    }

    fn add(totals: &mut CustomerTotals, columns: Columns) {
        with_batch(columns, |batch| totals.add(batch));
    }

    type TestLine = (
        Option<String>,
        Option<i64>,
        Option<f64>,
        Option<String>,
        Option<String>,
    );

    fn totals_of(batches: &[Vec<TestLine>]) -> (Vec<(String, CustomerTotal)>, u64) {
        let mut totals = CustomerTotals::new();
        for lines in batches {
            let customer: Vec<Option<&str>> = lines.iter().map(|l| l.0.as_deref()).collect();
            let ts: Vec<Option<i64>> = lines.iter().map(|l| l.1).collect();
            let amount: Vec<Option<f64>> = lines.iter().map(|l| l.2).collect();
            let order: Vec<Option<&str>> = lines.iter().map(|l| l.3.as_deref()).collect();
            let item: Vec<Option<&str>> = lines.iter().map(|l| l.4.as_deref()).collect();
            add(
                &mut totals,
                Columns {
                    order: Some(&order),
                    item: Some(&item),
                    ..Columns::new(&customer, &ts, &amount)
                },
            );
        }
        let without = totals.lines_without_customer();
        let sorted = totals.finish();
        let out = sorted
            .ids()
            .map(String::from)
            .zip((0..sorted.len()).map(|i| sorted.total(i)))
            .collect();
        (out, without)
    }

    /// The same totals by the obvious definition, one customer at a time.
    fn brute_force(lines: &[TestLine]) -> Vec<(String, CustomerTotal)> {
        let mut by: BTreeMap<String, Vec<&TestLine>> = BTreeMap::new();
        for l in lines {
            if let Some(c) = &l.0 {
                by.entry(c.clone()).or_default().push(l);
            }
        }
        by.into_iter()
            .map(|(customer, ls)| {
                let ts: Vec<i64> = ls.iter().filter_map(|l| l.1).collect();
                let orders: BTreeSet<&str> = ls.iter().filter_map(|l| l.3.as_deref()).collect();
                let days: BTreeSet<i64> = ls
                    .iter()
                    .filter(|l| l.3.is_none())
                    .filter_map(|l| l.1)
                    .map(|t| t.div_euclid(MS_PER_DAY))
                    .collect();
                let items: BTreeSet<&str> = ls.iter().filter_map(|l| l.4.as_deref()).collect();
                let total = CustomerTotal {
                    lines: ls.len() as u64,
                    lines_without_ts: ls.iter().filter(|l| l.1.is_none()).count() as u64,
                    first_ms: ts.iter().min().copied(),
                    last_ms: ts.iter().max().copied(),
                    frequency: (orders.len() + days.len()) as u64,
                    monetary: money::units(ls.iter().filter_map(|l| l.2).filter_map(money::micros).sum()),
                    distinct_items: items.len() as u64,
                    channels: 0,
                    return_rate: None,
                };
                (customer, total)
            })
            .collect()
    }

    fn line(c: &str, day: i64, amount: f64, order: Option<&str>, item: &str) -> TestLine {
        (
            Some(c.into()),
            Some(day * MS_PER_DAY + 3_600_000),
            Some(amount),
            order.map(Into::into),
            Some(item.into()),
        )
    }

    #[test]
    fn hand_computed_totals() {
        let lines = [
            line("a", 10, 5.0, Some("o1"), "x"),
            line("a", 10, 7.0, Some("o1"), "y"),
            line("a", 20, 1.5, Some("o2"), "x"),
            // No order id anywhere: frequency counts the two distinct days.
            line("b", 3, 2.0, None, "x"),
            line("b", 3, 2.0, None, "x"),
            line("b", 9, 2.0, None, "z"),
            // Some lines with an order id, some without: o4, o5 and day 8 (day 7 has o4's
            // line and one without an order id: two orders).
            line("d", 7, 1.0, Some("o4"), "x"),
            line("d", 7, 1.0, None, "x"),
            line("d", 8, 1.0, None, "x"),
            line("d", 8, 1.0, None, "y"),
            line("d", 9, 1.0, Some("o5"), "x"),
            line("d", 9, 1.0, Some("o5"), "y"),
            (None, Some(0), Some(99.0), Some("o9".into()), None),
            (Some("c".into()), None, None, Some("o3".into()), None),
        ];
        let (totals, without) = totals_of(&[lines[..4].to_vec(), lines[4..].to_vec()]);
        assert_eq!(without, 1);
        assert_eq!(totals.len(), 4);
        let a = &totals[0].1;
        assert_eq!((a.lines, a.frequency, a.distinct_items), (3, 2, 2));
        assert_eq!(a.monetary, 13.5);
        assert_eq!(a.first_ms, Some(10 * MS_PER_DAY + 3_600_000));
        assert_eq!(a.last_ms, Some(20 * MS_PER_DAY + 3_600_000));
        let b = &totals[1].1;
        assert_eq!((b.lines, b.frequency, b.distinct_items), (3, 2, 2));
        let c = &totals[2].1;
        assert_eq!((c.lines, c.lines_without_ts, c.frequency), (1, 1, 1));
        assert_eq!((c.first_ms, c.last_ms, c.monetary), (None, None, 0.0));
        let d = &totals[3].1;
        assert_eq!((d.lines, d.frequency, d.distinct_items), (6, 4, 2));
    }

    #[test]
    fn channels_and_returns() {
        let customer = [Some("a"), Some("a"), Some("a"), Some("b")];
        let ts = [Some(0), Some(1), Some(2), Some(3)];
        let amount = [Some(1.0), Some(-1.0), Some(2.0), Some(4.0)];
        let channel = [Some("web"), Some("web"), Some("store"), None];
        let is_return = [Some(false), Some(true), None, Some(false)];
        let mut totals = CustomerTotals::new();
        add(
            &mut totals,
            Columns {
                channel: Some(&channel),
                is_return: Some(&is_return),
                ..Columns::new(&customer, &ts, &amount)
            },
        );
        let sorted = totals.finish();
        assert_eq!(sorted.ids().collect::<Vec<_>>(), vec!["a", "b"]);
        let out = [sorted.total(0), sorted.total(1)];
        assert_eq!(out[0].channels, 2);
        assert_eq!(out[0].return_rate, Some(0.5));
        assert_eq!(out[1].channels, 0);
        assert_eq!(out[1].return_rate, Some(0.0));
    }

    #[test]
    fn channels_beyond_the_mask_are_counted() {
        let names: Vec<String> = (0..40).map(|i| format!("ch{i}")).collect();
        let channel: Vec<Option<&str>> = names.iter().chain(&names).map(|n| Some(n.as_str())).collect();
        let customer = vec![Some("a"); channel.len()];
        let ts = vec![Some(0); channel.len()];
        let amount = vec![Some(1.0); channel.len()];
        let mut totals = CustomerTotals::new();
        add(
            &mut totals,
            Columns {
                channel: Some(&channel),
                ..Columns::new(&customer, &ts, &amount)
            },
        );
        let out = totals.finish().total(0);
        assert_eq!((out.channels, out.frequency, out.lines), (40, 1, 80));
    }

    #[test]
    fn long_ids_sort_past_their_first_eight_bytes() {
        let ids = [
            "customer_b",
            "customer_a",
            "custome",
            "customer",
            "b",
            "customer_a1",
        ];
        let customer: Vec<Option<&str>> = ids.iter().map(|&i| Some(i)).collect();
        let ts = vec![Some(0); ids.len()];
        let amount = vec![Some(1.0); ids.len()];
        let mut totals = CustomerTotals::new();
        add(&mut totals, Columns::new(&customer, &ts, &amount));
        let mut expected = ids.to_vec();
        expected.sort();
        assert_eq!(totals.finish().ids().collect::<Vec<_>>(), expected);
    }

    /// Ids of 9 to 12 bytes that agree in their first eight bytes and length differ only in
    /// the bytes held in the top of the string view: each is its own customer, whatever
    /// partition and probe sequence they land in, and also after the index grows.
    #[test]
    fn short_ids_alike_in_their_first_eight_bytes_stay_apart() {
        let ids: Vec<String> = (0..20_000).map(|i| format!("web:100{i:04}")).collect();
        let customer: Vec<Option<&str>> = ids.iter().chain(&ids).map(|i| Some(i.as_str())).collect();
        let ts = vec![Some(0); customer.len()];
        let amount = vec![Some(1.0); customer.len()];
        let mut totals = CustomerTotals::new();
        add(&mut totals, Columns::new(&customer, &ts, &amount));
        let sorted = totals.finish();
        assert_eq!(sorted.len(), ids.len());
        assert!((0..sorted.len()).all(|i| sorted.total(i).lines == 2));
    }

    #[test]
    fn long_ids_sharing_a_hash_stay_apart() {
        let ids = [
            Some("a-long-customer-id-1"),
            Some("a-long-customer-id-2"),
            Some("a-long-customer-id-3"),
            Some("a-long-customer-id-2"),
        ];
        let columns = Columns::new(&ids, &[None; 4], &[None; 4]);
        let hasher = FixedState::with_seed(1);
        let mut partition = Partition::default();
        // Every id gets the same hash, 5: only the text tells them apart.
        let numbers: Vec<u32> = with_batch(columns, |batch| {
            (0..4)
                .map(|row| partition.customer_number(batch, &hasher, long_key(5, row)))
                .collect()
        });
        assert_eq!(numbers, [0, 1, 2, 1]);
        assert_eq!(partition.id(1), b"a-long-customer-id-2");
    }

    fn arb_line() -> impl Strategy<Value = TestLine> {
        (
            // Ids, orders and items of more than 12 bytes are compared by hash and text.
            prop::option::weighted(0.95, prop_oneof!["[a-e]{1,2}", "[a-b]-long-customer-id"]),
            prop::option::weighted(0.9, 0i64..(40 * MS_PER_DAY)),
            prop::option::weighted(0.9, (0u32..10_000).prop_map(|c| c as f64 / 4.0)),
            prop::option::weighted(0.7, prop_oneof!["o[0-9]{1,2}", "order-[0-3]-with-a-long-id"]),
            prop::option::weighted(0.8, "[p-t]"),
        )
    }

    proptest! {
        #[test]
        fn matches_brute_force_in_any_batching(
            lines in prop::collection::vec(arb_line(), 0..300),
            cut in 0usize..300,
        ) {
            let cut = cut.min(lines.len());
            let (totals, without) =
                totals_of(&[lines[..cut].to_vec(), lines[cut..].to_vec()]);
            prop_assert_eq!(without, lines.iter().filter(|l| l.0.is_none()).count() as u64);
            // Amounts are multiples of 1/4, so sums are exact in any order.
            prop_assert_eq!(totals, brute_force(&lines));
        }
    }
}
