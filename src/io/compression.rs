//! Compressed exports and outputs: gzip (`.gz`, several members as `cat a.gz b.gz` makes) and
//! Zstandard (`.zst`). An input is recognised by its magic bytes, so a compressed stdin or a
//! misnamed file is read too; it is decompressed as a stream into a temporary file that the
//! readers scan like any other, so memory does not grow with it. A table output whose name
//! ends in `.gz` or `.zst` is compressed as it is written.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::CkmError;
use crate::io::encryption::{temporary_file, TemporaryFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Zstd,
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Codec::Gzip => "gzip",
            Codec::Zstd => "zstd",
        })
    }
}

impl Codec {
    /// The codec whose magic bytes start `head`.
    pub fn from_magic(head: &[u8]) -> Option<Codec> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Codec::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Codec::Zstd)
        } else {
            None
        }
    }

    /// The codec a file name's last extension names.
    pub fn from_path(path: &Path) -> Option<Codec> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "gz" | "gzip" => Some(Codec::Gzip),
            "zst" | "zstd" => Some(Codec::Zstd),
            _ => None,
        }
    }
}

/// The name without its compression extension (`orders.csv.gz` is `orders.csv`), for telling
/// the format inside.
pub fn inner_path(path: &Path) -> PathBuf {
    match Codec::from_path(path) {
        Some(_) => path.with_extension(""),
        None => path.to_path_buf(),
    }
}

/// Counts the compressed bytes the decoder has taken, to say where damage was found.
struct CountingReader<R> {
    inner: R,
    taken: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.taken += n as u64;
        Ok(n)
    }
}

/// Decompresses `path` into a temporary file and returns it (removed when dropped). Damaged
/// or cut-short data is an error naming the input and the byte offset where it was found
/// (exit code 3); nothing is written by then.
pub fn decompress(path: &Path, codec: Codec, display: &str) -> Result<TemporaryFile> {
    let file = File::open(path).with_context(|| format!("opening {display}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut counted = CountingReader {
        inner: BufReader::with_capacity(1 << 16, file),
        taken: 0,
    };
    let mut out =
        temporary_file("ckm-decompressed-").context("creating a temporary file to decompress into")?;
    let mut writer = BufWriter::with_capacity(1 << 20, out.file());
    let copied = match codec {
        Codec::Gzip => std::io::copy(&mut flate2::read::MultiGzDecoder::new(&mut counted), &mut writer),
        Codec::Zstd => zstd::stream::read::Decoder::new(&mut counted)
            .and_then(|mut decoder| std::io::copy(&mut decoder, &mut writer)),
    };
    match copied {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::StorageFull => {
            return Err(e).context("decompressing into the temporary directory (set TMPDIR to a larger disk)")
        }
        Err(e) => {
            let problem = if counted.taken >= size && e.kind() == std::io::ErrorKind::UnexpectedEof {
                "cut short".to_string()
            } else {
                format!("damaged ({e})")
            };
            return Err(CkmError::invalid(format!(
                "{display}: the {codec} data is {problem} at byte {} of {size}; \
                 get a complete copy of the export (a transfer may have stopped early)",
                counted.taken.min(size)
            )));
        }
    }
    writer
        .flush()
        .context("decompressing into the temporary directory")?;
    drop(writer);
    Ok(out)
}

/// A writer that compresses what it is given; `finish` writes the codec's ending.
pub enum Encoder<W: Write> {
    Gzip(flate2::write::GzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    pub fn new(codec: Codec, inner: W) -> std::io::Result<Encoder<W>> {
        Ok(match codec {
            Codec::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                inner,
                flate2::Compression::default(),
            )),
            // Level 3 is zstd's own default: about gzip's size at several times its speed.
            Codec::Zstd => Encoder::Zstd(zstd::stream::write::Encoder::new(inner, 3)?),
        })
    }

    pub fn finish(self) -> std::io::Result<W> {
        match self {
            Encoder::Gzip(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Encoder::Gzip(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compressed(codec: Codec, text: &[u8]) -> Vec<u8> {
        let mut encoder = Encoder::new(codec, Vec::new()).unwrap();
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn round_trip_and_magic() {
        let text = b"customer_id,ts,amount\nC1,2024-01-01,3.5\n".repeat(1000);
        for codec in [Codec::Gzip, Codec::Zstd] {
            let bytes = compressed(codec, &text);
            assert_eq!(Codec::from_magic(&bytes), Some(codec));
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x");
            std::fs::write(&path, &bytes).unwrap();
            let out = decompress(&path, codec, "x").unwrap();
            assert_eq!(std::fs::read(out.path()).unwrap(), text);
        }
        assert_eq!(Codec::from_magic(b"customer_id"), None);
    }

    #[test]
    fn gzip_members_concatenated_read_as_one() {
        let mut bytes = compressed(Codec::Gzip, b"a,b\n1,2\n");
        bytes.extend(compressed(Codec::Gzip, b"3,4\n"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.gz");
        std::fs::write(&path, &bytes).unwrap();
        let out = decompress(&path, Codec::Gzip, "x.gz").unwrap();
        assert_eq!(std::fs::read(out.path()).unwrap(), b"a,b\n1,2\n3,4\n");
    }

    #[test]
    fn cut_short_and_damaged_data_name_the_offset() {
        let text = b"customer_id,ts,amount\nC1,2024-01-01,3.5\n".repeat(5000);
        for codec in [Codec::Gzip, Codec::Zstd] {
            let bytes = compressed(codec, &text);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x");
            std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
            let error = decompress(&path, codec, "x").unwrap_err().to_string();
            assert!(error.contains(&format!("the {codec} data is")), "{error}");
            assert!(error.contains(&format!("of {}", bytes.len() / 2)), "{error}");
            let mut damaged = bytes.clone();
            for b in &mut damaged[20..60] {
                *b ^= 0x5a;
            }
            std::fs::write(&path, &damaged).unwrap();
            let error = decompress(&path, codec, "x").unwrap_err().to_string();
            assert!(error.contains("damaged"), "{codec}: {error}");
        }
    }

    #[test]
    fn inner_names() {
        assert_eq!(
            inner_path(Path::new("a/orders.csv.gz")),
            PathBuf::from("a/orders.csv")
        );
        assert_eq!(
            inner_path(Path::new("orders.tsv.zst")),
            PathBuf::from("orders.tsv")
        );
        assert_eq!(inner_path(Path::new("orders.csv")), PathBuf::from("orders.csv"));
    }
}
