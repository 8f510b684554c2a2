//! Per-customer totals accumulated batch by batch from transaction lines: line counts, first
//! and last purchase, total amount, distinct orders (or purchase days), distinct items and
//! channels, returns.
//!
//! Lines are split by a hash of their customer id into partitions that each own their
//! customers' state, so the partitions update on all cores without locks, and each
//! partition's maps stay small enough for the CPU cache. One polars group-by with three
//! `n_unique` aggregations spent most of `ckm segment`'s time; this does the same work in one
//! pass with a hash-set insert per distinct value.
//!
//! Distinct orders, items and channels are recognised by a 64-bit hash of their text within
//! each customer: two different order ids of the same customer would have to collide, which
//! for a customer with k orders happens with probability about k² / 2⁶⁵ (and see
//! [`pair_key`]).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use foldhash::{HashMap, HashSet};

use rayon::prelude::*;

const PARTITION_BITS: u32 = 8;
const MS_PER_DAY: i64 = 86_400_000;

/// One batch of lines, column by column (all slices the same length). Columns the input does
/// not have are `None`.
pub struct LineBatch<'a> {
    pub customer: &'a [Option<&'a str>],
    pub ts_ms: &'a [Option<i64>],
    pub amount: &'a [Option<f64>],
    pub order: Option<&'a [Option<&'a str>]>,
    pub item: Option<&'a [Option<&'a str>]>,
    pub channel: Option<&'a [Option<&'a str>]>,
    pub is_return: Option<&'a [Option<bool>]>,
}

/// Every customer's totals, sorted by customer id: `totals[i]` is the customer `id(i)`.
pub struct SortedTotals {
    id_text: String,
    id_ends: Vec<usize>,
    pub totals: Vec<CustomerTotal>,
}

impl SortedTotals {
    pub fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        &self.id_text[start..self.id_ends[i]]
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        (0..self.totals.len()).map(|i| self.id(i))
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
    /// Distinct order ids; when none of the customer's lines has an order id, distinct
    /// purchase days instead.
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
    monetary: f64,
    /// The previous line's order: the lines of an order usually come together, and those
    /// need no set lookup.
    last_order: u64,
    /// Whether any line of the customer has an order id.
    has_order: bool,
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

impl DistinctPairs {
    fn push(&mut self, customer: u32, hash: u64) {
        self.pending.push((pair_key(customer, hash), customer));
    }

    fn flush_if_due(&mut self) {
        if self.pending.len() >= FLUSH_PAIRS.max(self.set.capacity() / FLUSH_SHARE) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.set.reserve(self.pending.len());
        // hashbrown's first probe is the key's low bits (the identity hasher passes the key
        // through); sorted by those, the inserts walk the table in order.
        let mask = (self.set.capacity() * 8 / 7).next_power_of_two() as u64 - 1;
        self.pending.sort_unstable_by_key(|&(key, _)| key & mask);
        for &(key, customer) in &self.pending {
            if self.set.insert(key) {
                let c = customer as usize;
                if c >= self.counts.len() {
                    self.counts.resize(c + 1, 0);
                }
                self.counts[c] += 1;
            }
        }
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

#[derive(Default)]
struct Partition {
    /// Customer id hash -> customer number; the id's text is in `id_text` so that a hash
    /// match is confirmed without chasing a pointer per customer.
    index: std::collections::HashMap<u64, u32, PreHashed>,
    /// Customers whose id hash equals an earlier, different id's (astronomically rare).
    colliding: HashMap<Box<str>, u32>,
    id_text: String,
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
    lines_without_customer: u64,
    hasher: FixedState,
}

impl Default for CustomerTotals {
    fn default() -> Self {
        Self::new()
    }
}

/// Hashes of a batch's values: 0 for a missing value, an odd number otherwise.
struct Hashed {
    customer: Vec<u64>,
    order: Option<Vec<u64>>,
    item: Option<Vec<u64>>,
    channel: Option<Vec<u64>>,
}

impl CustomerTotals {
    pub fn new() -> Self {
        Self {
            partitions: (0..1 << PARTITION_BITS).map(|_| Partition::default()).collect(),
            lines_without_customer: 0,
            hasher: FixedState::with_seed(0x5eed_c0ff_ee00_0001),
        }
    }

    pub fn lines_without_customer(&self) -> u64 {
        self.lines_without_customer
    }

    pub fn add(&mut self, batch: &LineBatch) {
        let n = batch.customer.len();
        let hasher = &self.hasher;
        let hash_all = |values: &[Option<&str>]| -> Vec<u64> {
            values
                .par_iter()
                .with_min_len(1 << 14)
                .map(|v| v.map_or(0, |s| hasher.hash_one(s) | 1))
                .collect()
        };
        let hashed = Hashed {
            customer: hash_all(batch.customer),
            order: batch.order.map(hash_all),
            item: batch.item.map(hash_all),
            channel: batch.channel.map(hash_all),
        };
        // Partitions by bits from the middle of the hash: hashbrown places keys by the low
        // bits and tags them with the top seven, and those must still vary within a partition.
        // Lines without a customer id go to an extra slot past the last partition.
        let without = 1usize << PARTITION_BITS;
        let partition_of = |h: u64| {
            if h == 0 {
                without
            } else {
                ((h >> 40) as usize) & (without - 1)
            }
        };
        // A stable counting sort of the line numbers by partition: each partition then reads
        // only its own lines, in input order.
        let mut starts = vec![0usize; without + 2];
        for &h in &hashed.customer {
            starts[partition_of(h) + 1] += 1;
        }
        for p in 1..starts.len() {
            starts[p] += starts[p - 1];
        }
        self.lines_without_customer += (starts[without + 1] - starts[without]) as u64;
        let mut next = starts.clone();
        let mut rows = vec![0u32; n];
        for (row, &h) in hashed.customer.iter().enumerate() {
            let slot = &mut next[partition_of(h)];
            rows[*slot] = row as u32;
            *slot += 1;
        }
        self.partitions
            .par_iter_mut()
            .enumerate()
            .for_each(|(p, partition)| {
                // Lines of one order come together and stay together within a partition: the
                // previous line's customer is remembered, which spares most id lookups.
                let mut previous: Option<(usize, u32)> = None;
                for &row in &rows[starts[p]..starts[p + 1]] {
                    previous = partition.add_line(batch, &hashed, row as usize, previous);
                }
                partition.orders.flush_if_due();
                partition.items.flush_if_due();
            });
    }

    /// The totals, sorted by customer id (byte order), so that results do not depend on the
    /// order in which batches arrived.
    pub fn finish(self) -> SortedTotals {
        let customers: usize = self.partitions.iter().map(|p| p.running.len()).sum();
        let finished: Vec<(Partition, Vec<CustomerTotal>)> = self
            .partitions
            .into_par_iter()
            .map(|mut partition| {
                partition.orders.flush();
                partition.items.flush();
                let running = std::mem::take(&mut partition.running);
                let totals = running
                    .into_iter()
                    .enumerate()
                    .map(|(c, r)| partition.total(c, r))
                    .collect();
                (partition, totals)
            })
            .collect();
        // Sorted by the first eight bytes as a number, the rest compared only on a tie:
        // customer ids are mostly that short, and integer keys sort far faster than strings.
        let mut order: Vec<(u64, u32, u32)> = Vec::with_capacity(customers);
        for (p, (partition, totals)) in finished.iter().enumerate() {
            for c in 0..totals.len() {
                let id = partition.id(c as u32).as_bytes();
                let mut prefix = [0u8; 8];
                let n = id.len().min(8);
                prefix[..n].copy_from_slice(&id[..n]);
                order.push((u64::from_be_bytes(prefix), p as u32, c as u32));
            }
        }
        let id_of = |&(_, p, c): &(u64, u32, u32)| finished[p as usize].0.id(c);
        order.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id_of(a).cmp(id_of(b))));
        let mut sorted = SortedTotals {
            id_text: String::with_capacity(finished.iter().map(|(p, _)| p.id_text.len()).sum()),
            id_ends: Vec::with_capacity(customers),
            totals: Vec::with_capacity(customers),
        };
        for entry in &order {
            sorted.id_text.push_str(id_of(entry));
            sorted.id_ends.push(sorted.id_text.len());
            sorted
                .totals
                .push(finished[entry.1 as usize].1[entry.2 as usize].clone());
        }
        sorted
    }
}

impl Partition {
    fn total(&self, c: usize, r: Running) -> CustomerTotal {
        let has_ts = r.lines > r.lines_without_ts;
        CustomerTotal {
            lines: r.lines as u64,
            lines_without_ts: r.lines_without_ts as u64,
            first_ms: has_ts.then_some(r.first_ms),
            last_ms: has_ts.then_some(r.last_ms),
            frequency: if r.has_order {
                self.orders.count(c) as u64
            } else {
                self.day_counts.get(&(c as u32)).copied().unwrap_or(0) as u64
            },
            monetary: r.monetary,
            distinct_items: self.items.count(c) as u64,
            channels: (r.channel_bits.count_ones() + r.spilled_channels) as u64,
            return_rate: (r.return_flags > 0).then(|| r.returns as f64 / r.return_flags as f64),
        }
    }

    fn id(&self, c: u32) -> &str {
        let start = match c {
            0 => 0,
            _ => self.id_ends[c as usize - 1] as usize,
        };
        &self.id_text[start..self.id_ends[c as usize] as usize]
    }

    fn new_customer(&mut self, customer: &str) -> u32 {
        let c = self.running.len() as u32;
        self.id_text.push_str(customer);
        self.id_ends.push(self.id_text.len() as u32);
        self.running.push(Running {
            first_ms: i64::MAX,
            last_ms: i64::MIN,
            ..Running::default()
        });
        c
    }

    fn customer_number(&mut self, customer: &str, hash: u64) -> u32 {
        match self.index.get(&hash) {
            Some(&c) if self.id(c) == customer => c,
            Some(_) => match self.colliding.get(customer) {
                Some(&c) => c,
                None => {
                    let c = self.new_customer(customer);
                    self.colliding.insert(customer.into(), c);
                    c
                }
            },
            None => {
                let c = self.new_customer(customer);
                self.index.insert(hash, c);
                c
            }
        }
    }

    /// Adds one line; `previous` is the row and customer number of the partition's previous
    /// line, and the return value this line's, for the next.
    fn add_line(
        &mut self,
        batch: &LineBatch,
        hashed: &Hashed,
        row: usize,
        previous: Option<(usize, u32)>,
    ) -> Option<(usize, u32)> {
        let customer = batch.customer[row]?;
        let c = match previous {
            Some((before, c))
                if hashed.customer[before] == hashed.customer[row]
                    && batch.customer[before] == Some(customer) =>
            {
                c
            }
            _ => self.customer_number(customer, hashed.customer[row]),
        };
        let r = &mut self.running[c as usize];
        r.lines += 1;
        let ts = batch.ts_ms[row];
        match ts {
            Some(ts) => {
                r.first_ms = r.first_ms.min(ts);
                r.last_ms = r.last_ms.max(ts);
            }
            None => r.lines_without_ts += 1,
        }
        if let Some(amount) = batch.amount[row] {
            r.monetary += amount;
        }
        match hashed.order.as_ref().map_or(0, |o| o[row]) {
            0 => {
                // Days are only needed for customers without any order id, but which those
                // are is known only at the end; lines with an order id never need their day.
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
                    r.has_order = true;
                    self.orders.push(c, order);
                }
            }
        }
        match hashed.item.as_ref().map_or(0, |i| i[row]) {
            0 => {}
            item => {
                self.items.push(c, item);
            }
        }
        match hashed.channel.as_ref().map_or(0, |ch| ch[row]) {
            0 => {}
            channel => {
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
        }
        if let Some(flag) = batch.is_return.and_then(|f| f[row]) {
            r.return_flags += 1;
            r.returns += flag as u32;
        }
        Some((row, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    type Line = (
        Option<String>,
        Option<i64>,
        Option<f64>,
        Option<String>,
        Option<String>,
    );

    fn totals_of(batches: &[Vec<Line>]) -> (Vec<(String, CustomerTotal)>, u64) {
        let mut totals = CustomerTotals::new();
        for lines in batches {
            let customer: Vec<Option<&str>> = lines.iter().map(|l| l.0.as_deref()).collect();
            let ts: Vec<Option<i64>> = lines.iter().map(|l| l.1).collect();
            let amount: Vec<Option<f64>> = lines.iter().map(|l| l.2).collect();
            let order: Vec<Option<&str>> = lines.iter().map(|l| l.3.as_deref()).collect();
            let item: Vec<Option<&str>> = lines.iter().map(|l| l.4.as_deref()).collect();
            totals.add(&LineBatch {
                customer: &customer,
                ts_ms: &ts,
                amount: &amount,
                order: Some(&order),
                item: Some(&item),
                channel: None,
                is_return: None,
            });
        }
        let without = totals.lines_without_customer();
        let sorted = totals.finish();
        let out = sorted
            .ids()
            .map(String::from)
            .zip(sorted.totals.iter().cloned())
            .collect();
        (out, without)
    }

    /// The same totals by the obvious definition, one customer at a time.
    fn brute_force(lines: &[Line]) -> Vec<(String, CustomerTotal)> {
        let mut by: BTreeMap<String, Vec<&Line>> = BTreeMap::new();
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
                    frequency: if orders.is_empty() {
                        days.len() as u64
                    } else {
                        orders.len() as u64
                    },
                    monetary: ls.iter().filter_map(|l| l.2).sum(),
                    distinct_items: items.len() as u64,
                    channels: 0,
                    return_rate: None,
                };
                (customer, total)
            })
            .collect()
    }

    fn line(c: &str, day: i64, amount: f64, order: Option<&str>, item: &str) -> Line {
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
            (None, Some(0), Some(99.0), Some("o9".into()), None),
            (Some("c".into()), None, None, Some("o3".into()), None),
        ];
        let (totals, without) = totals_of(&[lines[..4].to_vec(), lines[4..].to_vec()]);
        assert_eq!(without, 1);
        assert_eq!(totals.len(), 3);
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
    }

    #[test]
    fn channels_and_returns() {
        let customer = [Some("a"), Some("a"), Some("a"), Some("b")];
        let ts = [Some(0), Some(1), Some(2), Some(3)];
        let amount = [Some(1.0), Some(-1.0), Some(2.0), Some(4.0)];
        let channel = [Some("web"), Some("web"), Some("store"), None];
        let is_return = [Some(false), Some(true), None, Some(false)];
        let mut totals = CustomerTotals::new();
        totals.add(&LineBatch {
            customer: &customer,
            ts_ms: &ts,
            amount: &amount,
            order: None,
            item: None,
            channel: Some(&channel),
            is_return: Some(&is_return),
        });
        let sorted = totals.finish();
        assert_eq!(sorted.ids().collect::<Vec<_>>(), vec!["a", "b"]);
        let out = &sorted.totals;
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
        totals.add(&LineBatch {
            customer: &customer,
            ts_ms: &ts,
            amount: &amount,
            order: None,
            item: None,
            channel: Some(&channel),
            is_return: None,
        });
        let out = totals.finish().totals;
        assert_eq!((out[0].channels, out[0].frequency, out[0].lines), (40, 1, 80));
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
        totals.add(&LineBatch {
            customer: &customer,
            ts_ms: &ts,
            amount: &amount,
            order: None,
            item: None,
            channel: None,
            is_return: None,
        });
        let mut expected = ids.to_vec();
        expected.sort();
        assert_eq!(totals.finish().ids().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn ids_sharing_a_hash_stay_apart() {
        let mut partition = Partition::default();
        let a = partition.customer_number("a", 5);
        let b = partition.customer_number("b", 5);
        let c = partition.customer_number("c", 5);
        assert_eq!((a, b, c, partition.customer_number("b", 5)), (0, 1, 2, 1));
        assert_eq!(partition.customer_number("a", 5), a);
        assert_eq!((partition.id(a), partition.id(b)), ("a", "b"));
    }

    fn arb_line() -> impl Strategy<Value = Line> {
        (
            prop::option::weighted(0.95, "[a-e]{1,2}"),
            prop::option::weighted(0.9, 0i64..(40 * MS_PER_DAY)),
            prop::option::weighted(0.9, (0u32..10_000).prop_map(|c| c as f64 / 4.0)),
            prop::option::weighted(0.7, "o[0-9]{1,2}"),
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
