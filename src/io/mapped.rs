//! The pages of memory-mapped inputs. polars reads local CSV and Parquet files through a
//! memory map, and every page it has read stays in this process's resident set until the
//! read ends: all 733 MB of the 10M-line benchmark CSV, which made `ckm segment`'s peak
//! memory 1.25 GiB where Python's is 1.05 GiB. Dropping those pages while the batches go by
//! keeps the resident set to the data in flight; a page polars still needs is read again from
//! the page cache.

use std::path::{Path, PathBuf};

/// The input files (or folders of files) whose mapped pages may be dropped.
pub struct MappedInputs {
    prefixes: Vec<String>,
}

impl MappedInputs {
    pub fn new<'p>(paths: impl IntoIterator<Item = &'p Path>) -> Self {
        let prefixes = paths
            .into_iter()
            .filter_map(|path| std::fs::canonicalize(path).ok())
            .map(|path: PathBuf| path.display().to_string())
            .filter(|path| path.starts_with('/'))
            .collect();
        Self { prefixes }
    }

    /// Drops this process's resident pages of read-only maps of the inputs. Nothing is lost:
    /// the pages are the file's, and come back from the page cache when touched again.
    pub fn release(&self) {
        #[cfg(target_os = "linux")]
        {
            if self.prefixes.is_empty() {
                return;
            }
            let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
                return;
            };
            for (start, end) in input_maps(&maps, &self.prefixes) {
                // SAFETY: the range is a whole read-only mapping of an input file, as the
                // kernel lists it. MADV_DONTNEED on it only unmaps pages from this process;
                // the next access maps the same file bytes again, so any slice polars holds
                // into the map reads what it read before.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
                }
            }
        }
    }
}

/// Address ranges of the read-only maps in `/proc/self/maps` text whose file is one of the
/// prefixes (a file, or a file inside a folder).
fn input_maps(maps: &str, prefixes: &[String]) -> Vec<(usize, usize)> {
    maps.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let range = fields.next()?;
            let permissions = fields.next()?;
            let path = &line[line.find('/')?..];
            let path = path.strip_suffix(" (deleted)").unwrap_or(path);
            let is_input = prefixes.iter().any(|prefix| {
                path == prefix
                    || path
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            });
            if !is_input || !permissions.starts_with('r') || permissions.contains('w') {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            (end > start).then_some((start, end))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_only_maps_of_the_inputs() {
        let maps = "\
55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 131 /usr/bin/ckm
7f00aa000000-7f00b0000000 r--s 00000000 08:01 77 /data/orders.csv
7f00b0000000-7f00b1000000 rw-s 00000000 08:01 77 /data/orders.csv
7f00c0000000-7f00c1000000 r--s 00000000 08:01 78 /data/orders.csv.bak
7f00d0000000-7f00d1000000 r--p 00000000 08:01 79 /data/parts/2024.parquet
7f00e0000000-7f00e1000000 r--p 00000000 08:01 80 /data/with space.csv (deleted)
7f00f0000000-7f00f1000000 rw-p 00000000 00:00 0 [heap]
";
        let prefixes = vec![
            "/data/orders.csv".to_string(),
            "/data/parts".to_string(),
            "/data/with space.csv".to_string(),
        ];
        assert_eq!(
            input_maps(maps, &prefixes),
            vec![
                (0x7f00aa000000, 0x7f00b0000000),
                (0x7f00d0000000, 0x7f00d1000000),
                (0x7f00e0000000, 0x7f00e1000000),
            ]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn released_pages_read_the_same() {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
        let bytes: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
        file.write_all(&bytes).expect("written");
        file.flush().expect("flushed");
        // SAFETY: a fresh read-only shared map of a file this test owns, unmapped below.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes.len(),
                libc::PROT_READ,
                libc::MAP_SHARED,
                file.as_file().as_raw_fd(),
                0,
            )
        };
        assert_ne!(map, libc::MAP_FAILED);
        // SAFETY: the map is bytes.len() long and stays mapped while the slice is used.
        let mapped = unsafe { std::slice::from_raw_parts(map as *const u8, bytes.len()) };
        assert_eq!(mapped, &bytes[..]);
        let inputs = MappedInputs::new([file.path()]);
        assert_eq!(inputs.prefixes.len(), 1);
        inputs.release();
        assert_eq!(mapped, &bytes[..]);
        // SAFETY: unmapping the map made above, which nothing uses any more.
        unsafe { libc::munmap(map, bytes.len()) };
    }
}
