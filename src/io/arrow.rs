//! Arrow arrays, as polars holds them, lent to the algorithms as `mining::columns` slices:
//! values, validity bitmaps and string views where they lie, without a copy.

use polars_arrow::array::{Array, PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::types::NativeType;

use crate::mining::columns::{TextViews, Validity, Values};

/// The validity bitmap of an Arrow array, `None` when no value is missing.
fn arrow_validity(validity: Option<&Bitmap>) -> Option<Validity<'_>> {
    validity.filter(|bits| bits.unset_bits() > 0).map(|bits| {
        let (bits, offset, _) = bits.as_slice();
        Validity { bits, offset }
    })
}

/// A primitive Arrow array as [`Values`].
pub fn arrow_values<T: NativeType>(array: &PrimitiveArray<T>) -> Values<'_, T> {
    Values {
        values: array.values().as_slice(),
        validity: arrow_validity(array.validity()),
    }
}

/// A string-view array with its buffers listed, to lend as [`TextViews`].
pub struct ArrowText<'a> {
    pub array: &'a Utf8ViewArray,
    buffers: Vec<&'a [u8]>,
}

impl<'a> ArrowText<'a> {
    pub fn new(array: &'a Utf8ViewArray) -> Self {
        Self {
            array,
            buffers: array.data_buffers().iter().map(|b| b.as_slice()).collect(),
        }
    }

    /// Chunk `chunk` of an optional column's chunks.
    pub fn chunk_of(chunks: &Option<Vec<&'a Utf8ViewArray>>, chunk: usize) -> Option<Self> {
        chunks.as_ref().map(|c| Self::new(c[chunk]))
    }

    pub fn views(&self) -> TextViews<'_> {
        TextViews {
            views: bytemuck::cast_slice(self.array.views().as_slice()),
            buffers: &self.buffers,
            validity: arrow_validity(self.array.validity()),
        }
    }
}
