//! Numbering keys in order of first appearance, as a hash map would, for keys whose equal
//! values mostly come in runs (the lines of an order, one after another). Each run costs one
//! comparison with the previous key; the runs of a key that comes back later are found at the
//! end by one parallel sort of the runs' hashes. On 50M lines in 22M orders, a hash map looked
//! up per run spent most of its time waiting for memory, and so did a sort of the runs by
//! their keys (each comparison read two keys from random places: 9-11 s for 22M customer
//! runs); the hashes with their run numbers are integers sorted in place, and each run's key
//! is read once, to confirm it equals the first key of its hash.

use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicU32, Ordering};

use foldhash::fast::FixedState;
use rayon::prelude::*;

/// A line without a key (in no group).
pub const NO_GROUP: u32 = u32::MAX;

/// Runs per block of [`RunNumbering`]'s keys.
const BLOCK: usize = 1 << 16;

/// Collects the lines' keys run by run; [`RunNumbering::finish`] numbers them.
pub struct RunNumbering<K> {
    /// The key of each run, in order, in blocks of [`BLOCK`]: one vector doubling as it grew
    /// held up to twice the keys' memory, and briefly the old copy beside the new (22M
    /// orders' keys are 700 MB).
    runs: Vec<Vec<K>>,
    /// Each line's run, or [`NO_GROUP`].
    line_run: Vec<u32>,
    /// Runs so far.
    run_count: usize,
}

impl<K: Eq + Hash + Copy + Send + Sync> RunNumbering<K> {
    pub fn with_lines(lines: usize) -> Self {
        RunNumbering {
            runs: Vec::new(),
            line_run: Vec::with_capacity(lines),
            run_count: 0,
        }
    }

    /// The next line's key (`None`: the line is in no group).
    pub fn push(&mut self, key: Option<K>) {
        let Some(key) = key else {
            self.line_run.push(NO_GROUP);
            return;
        };
        // A line without a key between two of one run does not break it.
        if self.runs.last().and_then(|block| block.last()) != Some(&key) {
            if self.runs.last().is_none_or(|block| block.len() == BLOCK) {
                self.runs.push(Vec::with_capacity(BLOCK));
            }
            self.runs.last_mut().expect("a block").push(key);
            self.run_count += 1;
        }
        self.line_run.push((self.run_count - 1) as u32);
    }

    /// Each line's group, numbered in order of first appearance ([`NO_GROUP`] for a line
    /// without a key), and the number of groups.
    pub fn finish(self) -> (Vec<u32>, usize) {
        let RunNumbering {
            runs, mut line_run, ..
        } = self;
        let first_run = first_run_of_key(&runs);
        drop(runs);
        // In run order: a key's first run opens the next group, a later one takes the group
        // of its first run (numbered already, as it came before).
        let mut group_of_run = first_run;
        let mut groups = 0u32;
        for r in 0..group_of_run.len() {
            let first = group_of_run[r] as usize;
            group_of_run[r] = if first == r {
                groups += 1;
                groups - 1
            } else {
                group_of_run[first]
            };
        }
        line_run.par_iter_mut().for_each(|run| {
            if *run != NO_GROUP {
                *run = group_of_run[*run as usize];
            }
        });
        (line_run, groups as usize)
    }
}

/// For each run, the first run with the same key. The runs are sorted by a 32-bit hash of
/// their key with the run number in the low bits (one `u64` each, half the memory of a full
/// hash beside the number): a key's runs are then together and in run order, and runs of
/// different keys whose hashes collide are told apart by comparing the keys themselves.
fn first_run_of_key<K: Eq + Hash + Sync>(blocks: &[Vec<K>]) -> Vec<u32> {
    let hasher = &FixedState::with_seed(0x636b_6d5f_7275_6e73);
    let mut sorted: Vec<u64> = blocks
        .par_iter()
        .enumerate()
        .flat_map_iter(|(b, block)| {
            block
                .iter()
                .enumerate()
                .map(move |(i, key)| (hasher.hash_one(key) >> 32) << 32 | (b * BLOCK + i) as u64)
        })
        .collect();
    let key = |run: usize| &blocks[run / BLOCK][run % BLOCK];
    sorted.par_sort_unstable();
    let run_of = |entry: u64| (entry & u64::from(u32::MAX)) as usize;
    let hash_of = |entry: u64| entry >> 32;
    let first_run: Vec<AtomicU32> = (0..sorted.len()).map(|_| AtomicU32::new(0)).collect();
    // Chunks for the threads, each starting where a hash does.
    let mut starts = vec![0];
    let step = (sorted.len() / (4 * rayon::current_num_threads()).max(1)).max(1 << 14);
    while let Some(&last) = starts.last() {
        let mut next = last + step;
        if next >= sorted.len() {
            break;
        }
        while next < sorted.len() && hash_of(sorted[next]) == hash_of(sorted[next - 1]) {
            next += 1;
        }
        starts.push(next);
    }
    starts.push(sorted.len());
    starts.dedup();
    starts.par_windows(2).for_each(|bounds| {
        let chunk = &sorted[bounds[0]..bounds[1]];
        // The first runs of the distinct keys of the current hash (almost always one).
        let mut firsts: Vec<usize> = Vec::with_capacity(2);
        for (i, &entry) in chunk.iter().enumerate() {
            let run = run_of(entry);
            if i == 0 || hash_of(entry) != hash_of(chunk[i - 1]) {
                firsts.clear();
            }
            let first = match firsts.iter().find(|&&f| key(f) == key(run)) {
                Some(&f) => f,
                None => {
                    firsts.push(run);
                    run
                }
            };
            first_run[run].store(first as u32, Ordering::Relaxed);
        }
    });
    first_run.into_iter().map(AtomicU32::into_inner).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// What a hash map gives: numbers in order of first appearance.
    fn by_hash_map(keys: &[Option<u8>]) -> (Vec<u32>, usize) {
        let mut index: HashMap<u8, u32> = HashMap::new();
        let groups = keys
            .iter()
            .map(|key| match key {
                Some(k) => {
                    let next = index.len() as u32;
                    *index.entry(*k).or_insert(next)
                }
                None => NO_GROUP,
            })
            .collect();
        (groups, index.len())
    }

    fn by_runs(keys: &[Option<u8>]) -> (Vec<u32>, usize) {
        let mut numbering = RunNumbering::with_lines(keys.len());
        for key in keys {
            numbering.push(*key);
        }
        numbering.finish()
    }

    #[test]
    fn runs_that_come_back_join_their_first_group() {
        let keys = [
            Some(7),
            Some(7),
            Some(3),
            None,
            Some(3),
            Some(7),
            Some(9),
            Some(3),
        ];
        assert_eq!(by_runs(&keys), (vec![0, 0, 1, NO_GROUP, 1, 0, 2, 1], 3));
    }

    /// A key whose hashes all collide: the runs of different keys then share one hash.
    #[derive(Clone, Copy, PartialEq, Eq)]
    struct Colliding(u8);

    impl std::hash::Hash for Colliding {
        fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
    }

    proptest! {
        #[test]
        fn keys_whose_hashes_collide_are_told_apart(keys in proptest::collection::vec(proptest::option::weighted(0.9, 0u8..6), 0..200)) {
            let mut numbering = RunNumbering::with_lines(keys.len());
            for key in &keys {
                numbering.push(key.map(Colliding));
            }
            prop_assert_eq!(numbering.finish(), by_hash_map(&keys));
        }

        /// More runs than fit one block of keys.
        #[test]
        fn runs_across_blocks(keys in proptest::collection::vec(0u32..50_000, BLOCK + 1..BLOCK + 3_000)) {
            let mut numbering = RunNumbering::with_lines(keys.len());
            let mut index: HashMap<u32, u32> = HashMap::new();
            let mut expected = Vec::with_capacity(keys.len());
            for key in &keys {
                numbering.push(Some(*key));
                let next = index.len() as u32;
                expected.push(*index.entry(*key).or_insert(next));
            }
            prop_assert_eq!(numbering.finish(), (expected, index.len()));
        }

        #[test]
        fn the_same_numbers_as_a_hash_map(keys in proptest::collection::vec(proptest::option::weighted(0.9, 0u8..6), 0..200)) {
            prop_assert_eq!(by_runs(&keys), by_hash_map(&keys));
        }
    }
}
