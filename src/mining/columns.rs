//! Column data as Apache Arrow lays it out, which is how polars holds it in memory: values in
//! one slice, a validity bitmap beside them, text as 16-byte string views. Taking these as
//! plain slices lets an algorithm read a batch where it lies, instead of having it copied
//! into `Vec<Option<_>>` first (on the 10M-line `segment` benchmark that copy alone took
//! 0.4 s on one core).

/// Arrow's validity bitmap: value `i` is present when bit `offset + i` of `bits` is set
/// (least significant bit first).
#[derive(Clone, Copy, Debug)]
pub struct Validity<'a> {
    pub bits: &'a [u8],
    pub offset: usize,
}

impl Validity<'_> {
    #[inline]
    pub fn is_present(&self, i: usize) -> bool {
        let bit = self.offset + i;
        self.bits[bit / 8] >> (bit % 8) & 1 == 1
    }
}

/// One column of fixed-size values; `validity` is `None` when every value is present.
#[derive(Clone, Copy, Debug)]
pub struct Values<'a, T> {
    pub values: &'a [T],
    pub validity: Option<Validity<'a>>,
}

impl<T: Copy> Values<'_, T> {
    #[inline]
    pub fn get(&self, i: usize) -> Option<T> {
        match self.validity {
            Some(validity) if !validity.is_present(i) => None,
            _ => Some(self.values[i]),
        }
    }
}

/// Values of at most this many bytes are stored in their view.
pub const INLINE_BYTES: usize = 12;

/// Text in Arrow's string-view layout: one view of four `u32`s per value, as they lie in
/// memory. `view[0]` is the length in bytes. A value of at most [`INLINE_BYTES`] is stored in
/// the view's remaining twelve bytes, zero-padded; a longer one is
/// `buffers[view[2]][view[3]..][..length]` (`view[1]` repeats its first four bytes).
#[derive(Clone, Copy, Debug)]
pub struct TextViews<'a> {
    pub views: &'a [[u32; 4]],
    pub buffers: &'a [&'a [u8]],
    pub validity: Option<Validity<'a>>,
}

impl<'a> TextViews<'a> {
    pub fn rows(&self) -> usize {
        self.views.len()
    }

    #[inline]
    pub fn is_present(&self, i: usize) -> bool {
        self.validity.is_none_or(|v| v.is_present(i))
    }

    /// The bytes of a value that is not inline (longer than [`INLINE_BYTES`]).
    #[inline]
    pub fn buffered_bytes(&self, i: usize) -> &'a [u8] {
        let [length, _, buffer, offset] = self.views[i];
        let start = offset as usize;
        &self.buffers[buffer as usize][start..start + length as usize]
    }

    /// Value `i` as bytes, `None` when it is missing.
    #[cfg(test)]
    pub fn get(&self, i: usize) -> Option<Vec<u8>> {
        if !self.is_present(i) {
            return None;
        }
        Some(match inline_key(self.views[i]) {
            Some(key) => inline_bytes(key).to_vec(),
            None => self.buffered_bytes(i).to_vec(),
        })
    }
}

/// A value of at most [`INLINE_BYTES`] as one number that is equal for two values exactly
/// when their bytes are: the length in the low 32 bits, the bytes above it (`None` for a
/// longer value). The padding is cleared here rather than trusted to be zero.
#[inline]
pub fn inline_key(view: [u32; 4]) -> Option<u128> {
    let length = view[0] as usize;
    if length > INLINE_BYTES {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (word, chunk) in view.iter().zip(bytes.chunks_exact_mut(4)) {
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    let raw = u128::from_le_bytes(bytes);
    let bits = 32 + 8 * length;
    Some(if bits >= 128 {
        raw
    } else {
        raw & ((1u128 << bits) - 1)
    })
}

/// The bytes of an [`inline_key`].
pub fn inline_bytes(key: u128) -> Vec<u8> {
    let length = (key as u32 as usize).min(INLINE_BYTES);
    key.to_le_bytes()[4..4 + length].to_vec()
}

/// A validity bitmap of the given presence flags, and whether any value is missing.
#[cfg(test)]
fn validity_bits(present: impl Iterator<Item = bool>) -> (Vec<u8>, bool) {
    let mut bits = Vec::new();
    let mut has_missing = false;
    for (i, present) in present.enumerate() {
        if i % 8 == 0 {
            bits.push(0);
        }
        match present {
            true => bits[i / 8] |= 1 << (i % 8),
            false => has_missing = true,
        }
    }
    (bits, has_missing)
}

/// Values with a validity bitmap, built from options, for tests.
#[derive(Debug, Default)]
#[cfg(test)]
pub struct OwnedValues<T> {
    values: Vec<T>,
    bits: Vec<u8>,
    has_missing: bool,
}

#[cfg(test)]
impl<T: Copy + Default> OwnedValues<T> {
    pub fn new(values: impl IntoIterator<Item = Option<T>>) -> Self {
        let values: Vec<Option<T>> = values.into_iter().collect();
        let (bits, has_missing) = validity_bits(values.iter().map(Option::is_some));
        Self {
            values: values.iter().map(|v| v.unwrap_or_default()).collect(),
            bits,
            has_missing,
        }
    }

    pub fn values(&self) -> Values<'_, T> {
        Values {
            values: &self.values,
            validity: self.has_missing.then_some(Validity {
                bits: &self.bits,
                offset: 0,
            }),
        }
    }
}

/// Text values laid out as string views, for tests.
#[derive(Debug, Default)]
#[cfg(test)]
pub struct OwnedTextViews {
    views: Vec<[u32; 4]>,
    buffer: Vec<u8>,
    bits: Vec<u8>,
    has_missing: bool,
}

#[cfg(test)]
impl OwnedTextViews {
    pub fn new<'s>(values: impl IntoIterator<Item = Option<&'s str>>) -> Self {
        let values: Vec<Option<&str>> = values.into_iter().collect();
        let (bits, has_missing) = validity_bits(values.iter().map(Option::is_some));
        let mut owned = Self {
            bits,
            has_missing,
            ..Self::default()
        };
        for value in values {
            let mut bytes = [0u8; 16];
            if let Some(text) = value {
                let text = text.as_bytes();
                bytes[..4].copy_from_slice(&(text.len() as u32).to_ne_bytes());
                if text.len() <= INLINE_BYTES {
                    bytes[4..4 + text.len()].copy_from_slice(text);
                } else {
                    bytes[4..8].copy_from_slice(&text[..4]);
                    bytes[12..16].copy_from_slice(&(owned.buffer.len() as u32).to_ne_bytes());
                    owned.buffer.extend_from_slice(text);
                }
            }
            let word = |k: usize| u32::from_ne_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]);
            owned.views.push([word(0), word(4), word(8), word(12)]);
        }
        owned
    }

    /// The one buffer the long values are in.
    pub fn buffer(&self) -> &[u8] {
        &self.buffer
    }

    /// The views, given `[self.buffer()]` as `buffers`.
    pub fn views<'a>(&'a self, buffers: &'a [&'a [u8]]) -> TextViews<'a> {
        TextViews {
            views: &self.views,
            buffers,
            validity: self.has_missing.then_some(Validity {
                bits: &self.bits,
                offset: 0,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn validity_reads_bits_from_an_offset() {
        let bits = [0b1010_0000u8, 0b0000_0001];
        let validity = Validity {
            bits: &bits,
            offset: 5,
        };
        let present: Vec<bool> = (0..4).map(|i| validity.is_present(i)).collect();
        assert_eq!(present, [true, false, true, true]);
    }

    #[test]
    fn inline_keys_ignore_padding_and_tell_lengths_apart() {
        let a = OwnedTextViews::new([Some("ab"), Some("ab\0"), Some(""), Some("abcdefghijkl")]);
        let buffers = [a.buffer()];
        let views = a.views(&buffers);
        let keys: Vec<Option<u128>> = views.views.iter().map(|&v| inline_key(v)).collect();
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[0], keys[2]);
        let mut dirty = views.views[0];
        dirty[2] = 0xdead_beef;
        assert_eq!(inline_key(dirty), keys[0]);
        assert_eq!(inline_bytes(keys[3].unwrap()), b"abcdefghijkl");
    }

    proptest! {
        #[test]
        fn views_give_back_every_value(
            values in prop::collection::vec(prop::option::of("[a-z\u{e9}]{0,20}"), 0..40),
        ) {
            let owned = OwnedTextViews::new(values.iter().map(|v| v.as_deref()));
            let buffers = [owned.buffer()];
            let views = owned.views(&buffers);
            prop_assert_eq!(views.rows(), values.len());
            for (i, value) in values.iter().enumerate() {
                prop_assert_eq!(views.get(i), value.as_ref().map(|v| v.as_bytes().to_vec()));
            }
        }
    }
}

/// Text as a hash-map key that hashes and compares without a call to `memcmp` for the short
/// values ids and codes usually are: up to 15 bytes packed with their length into two words
/// (equal exactly when the texts are), a longer text as itself. Words, not a `u128`: its
/// 16-byte alignment made every key of a large map 8 bytes longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextKey<'a> {
    Short([u64; 2]),
    Long(&'a str),
}

impl<'a> TextKey<'a> {
    pub fn of(text: &'a str) -> TextKey<'a> {
        let bytes = text.as_bytes();
        if bytes.len() < 16 {
            let mut packed = [0u8; 16];
            packed[..bytes.len()].copy_from_slice(bytes);
            packed[15] = bytes.len() as u8;
            let (low, high) = packed.split_at(8);
            TextKey::Short([
                u64::from_le_bytes(low.try_into().expect("8 bytes")),
                u64::from_le_bytes(high.try_into().expect("8 bytes")),
            ])
        } else {
            TextKey::Long(text)
        }
    }
}

#[cfg(test)]
mod text_key_tests {
    use super::TextKey;
    use proptest::prelude::*;

    proptest! {
        /// Two keys are equal exactly when their texts are, however long.
        #[test]
        fn keys_are_equal_exactly_when_texts_are(a in "[a-c\\x00]{0,18}", b in "[a-c\\x00]{0,18}") {
            prop_assert_eq!(TextKey::of(&a) == TextKey::of(&b), a == b);
        }
    }

    #[test]
    fn trailing_zero_bytes_and_lengths_are_told_apart() {
        assert_ne!(TextKey::of("a"), TextKey::of("a\0"));
        assert_ne!(TextKey::of(""), TextKey::of("\0"));
        assert_eq!(TextKey::of("C0022193"), TextKey::of("C0022193"));
        assert!(matches!(TextKey::of("sixteen bytes!!!"), TextKey::Long(_)));
    }
}

/// The positions of `texts` in the byte order of the texts (the order of `str`): sorted by
/// their first 16 bytes as one number, the rest compared only on a tie. Sorting positions by
/// comparing the texts themselves read two texts from random places in memory for each
/// comparison, 3 s for 4.9M customer ids; ids are mostly shorter than 16 bytes, so here the
/// numbers decide and the sort reads its keys in order.
pub fn byte_order(texts: &[&str]) -> Vec<u32> {
    use rayon::prelude::*;
    let mut keyed: Vec<(u64, u64, u32)> = texts
        .par_iter()
        .enumerate()
        .map(|(i, text)| {
            let bytes = text.as_bytes();
            let mut prefix = [0u8; 16];
            let n = bytes.len().min(16);
            prefix[..n].copy_from_slice(&bytes[..n]);
            let (high, low) = prefix.split_at(8);
            (
                u64::from_be_bytes(high.try_into().expect("8 bytes")),
                u64::from_be_bytes(low.try_into().expect("8 bytes")),
                i as u32,
            )
        })
        .collect();
    // Equal prefixes (a text of 16 bytes or more, or texts that differ by trailing zero
    // bytes) are ordered by the whole text.
    keyed.par_sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| texts[a.2 as usize].cmp(texts[b.2 as usize]))
    });
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

#[cfg(test)]
mod byte_order_tests {
    use super::byte_order;
    use proptest::prelude::*;

    #[test]
    fn long_texts_and_trailing_zeros_sort_as_text() {
        let texts = [
            "C0022193",
            "a\0",
            "sixteen bytes!!!b",
            "a",
            "",
            "sixteen bytes!!!a",
            "sixteen bytes!!!",
            "C0022192",
        ];
        let order: Vec<&str> = byte_order(&texts).iter().map(|&i| texts[i as usize]).collect();
        let mut expected = texts.to_vec();
        expected.sort();
        assert_eq!(order, expected);
    }

    proptest! {
        /// The same order as sorting the texts, and every position once.
        #[test]
        fn the_order_of_the_texts(texts in proptest::collection::vec("[ab\\x00]{0,20}", 0..60)) {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let order = byte_order(&texts);
            let mut positions = order.clone();
            positions.sort_unstable();
            prop_assert_eq!(positions, (0..texts.len() as u32).collect::<Vec<_>>());
            let sorted: Vec<&str> = order.iter().map(|&i| texts[i as usize]).collect();
            let mut expected = texts.clone();
            expected.sort();
            prop_assert_eq!(sorted, expected);
        }
    }
}
