//! Tables held on disk between the passes of a command whose data does not fit in memory:
//! Arrow IPC files (LZ4-compressed, fast to write and to read back whole) in a directory of
//! the run's own, removed when the run ends, and by the next run if this one is killed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::io::encryption;
use crate::io::write::process_is_running;

const PREFIX: &str = "ckm-spill-";

/// The run's spill directory.
pub struct SpillDirectory {
    directory: tempfile::TempDir,
    next_file: std::cell::Cell<u64>,
}

impl SpillDirectory {
    /// A new directory under `parent` (`--temp-dir`), else under the system's temporary
    /// directory unless that is held in memory (tmpfs: spilling there would take the memory
    /// the spill is meant to free), else beside `near` (the output). Spill directories of
    /// earlier runs that were killed are removed first.
    pub fn create(parent: Option<&Path>, near: Option<&Path>) -> Result<SpillDirectory> {
        let parent = match parent {
            Some(dir) => dir.to_path_buf(),
            None => {
                let system = std::env::temp_dir();
                if held_in_memory(&system) {
                    near.and_then(Path::parent)
                        .filter(|p| !p.as_os_str().is_empty())
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| PathBuf::from("."))
                } else {
                    system
                }
            }
        };
        remove_stale(&parent);
        let directory = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(&parent)
            .with_context(|| {
                format!(
                    "creating a spill directory in {} (choose another with --temp-dir)",
                    parent.display()
                )
            })?;
        Ok(SpillDirectory {
            directory,
            next_file: std::cell::Cell::new(0),
        })
    }

    /// A writer of a new spill file, which writes a batch whenever `batch_bytes` of rows
    /// have been given to it.
    pub fn writer(&self, batch_bytes: usize) -> SpillWriter {
        let number = self.next_file.get();
        self.next_file.set(number + 1);
        SpillWriter {
            path: self.directory.path().join(format!("{number}.arrow")),
            writer: None,
            pending: Vec::new(),
            pending_bytes: 0,
            batch_bytes,
            rows: 0,
            table_bytes: 0,
            encrypted: false,
        }
    }
}

/// A spill file being written.
pub struct SpillWriter {
    path: PathBuf,
    writer: Option<polars::io::ipc::BatchedWriter<Box<dyn Write + Send>>>,
    pending: Vec<DataFrame>,
    pending_bytes: usize,
    batch_bytes: usize,
    rows: u64,
    table_bytes: u64,
    /// Written encrypted to the run's own key ([`encryption::RunEncryptedWriter`]).
    encrypted: bool,
}

/// A finished spill file.
#[derive(Debug, Clone)]
pub struct SpillFile {
    pub path: PathBuf,
    pub rows: u64,
    /// What its rows took in memory when they were written.
    pub table_bytes: u64,
    /// Its size on disk.
    pub file_bytes: u64,
    encrypted: bool,
}

impl SpillWriter {
    /// Adds rows (every call with the same columns).
    pub fn push(&mut self, rows: DataFrame) -> Result<()> {
        if rows.height() == 0 {
            return Ok(());
        }
        self.pending_bytes += rows.estimated_size();
        self.pending.push(rows);
        if self.pending_bytes >= self.batch_bytes {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let mut parts = std::mem::take(&mut self.pending).into_iter();
        self.pending_bytes = 0;
        let Some(mut batch) = parts.next() else {
            return Ok(());
        };
        for part in parts {
            batch.vstack_mut_owned(part)?;
        }
        batch.rechunk_mut();
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => {
                let file = File::create(&self.path)
                    .with_context(|| format!("creating the spill file {}", self.path.display()))?;
                let fields = polars_arrow::io::ipc::write::default_ipc_fields(
                    batch.schema().to_arrow(CompatLevel::newest()).iter_values(),
                );
                // No plaintext on disk while outputs or inputs are encrypted: the rows are
                // encrypted to a key that lives only in this run.
                let sink: Box<dyn Write + Send> = if encryption::plaintext_in_memory_only() {
                    self.encrypted = true;
                    Box::new(encryption::RunEncryptedWriter::new(BufWriter::with_capacity(
                        1 << 20,
                        file,
                    ))?)
                } else {
                    Box::new(BufWriter::with_capacity(1 << 20, file))
                };
                let writer = IpcWriter::new(sink)
                    .with_compression(Some(IpcCompression::LZ4))
                    .with_compat_level(CompatLevel::newest())
                    .batched(batch.schema(), fields)?;
                self.writer.insert(writer)
            }
        };
        anyhow::Context::with_context(writer.write_batch(&batch), || {
            format!("writing the spill file {}", self.path.display())
        })?;
        self.rows += batch.height() as u64;
        self.table_bytes += batch.estimated_size() as u64;
        Ok(())
    }

    /// Writes what is left and closes the file; `None` when no row was given.
    pub fn finish(mut self) -> Result<Option<SpillFile>> {
        self.flush()?;
        let Some(mut writer) = self.writer.take() else {
            return Ok(None);
        };
        anyhow::Context::with_context(writer.finish(), || {
            format!("writing the spill file {}", self.path.display())
        })?;
        drop(writer);
        let file_bytes = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        Ok(Some(SpillFile {
            path: self.path.clone(),
            rows: self.rows,
            table_bytes: self.table_bytes,
            file_bytes,
            encrypted: self.encrypted,
        }))
    }
}

impl SpillFile {
    /// The whole file as one table, its file removed: each spill file is read once.
    pub fn read_and_remove(&self) -> Result<DataFrame> {
        let table = if self.encrypted {
            let bytes = encryption::read_run_encrypted(&self.path)?;
            IpcReader::new(std::io::Cursor::new(bytes)).finish()
        } else {
            let file = File::open(&self.path)
                .with_context(|| format!("reading the spill file {}", self.path.display()))?;
            IpcReader::new(file).finish()
        };
        let table = anyhow::Context::with_context(table, || {
            format!("reading the spill file {}", self.path.display())
        })?;
        let _ = std::fs::remove_file(&self.path);
        Ok(table)
    }
}

#[cfg(target_os = "linux")]
fn held_in_memory(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    const TMPFS_MAGIC: libc::c_long = 0x0102_1994;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: statfs fills the struct it is given for a valid, NUL-terminated path.
    unsafe {
        let mut stat: libc::statfs = std::mem::zeroed();
        libc::statfs(c_path.as_ptr(), &mut stat) == 0 && stat.f_type as libc::c_long == TMPFS_MAGIC
    }
}

#[cfg(not(target_os = "linux"))]
fn held_in_memory(_path: &Path) -> bool {
    false
}

/// Removes spill directories in `parent` whose run is gone (killed: a finished run removes
/// its own).
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_is_running(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_in_the_order_they_were_given() {
        let spill = SpillDirectory::create(Some(&std::env::temp_dir()), None).unwrap();
        let mut writer = spill.writer(64);
        for start in 0..20i64 {
            let values: Vec<i64> = (start * 3..start * 3 + 3).collect();
            let text: Vec<String> = values.iter().map(|v| format!("v{v}")).collect();
            writer.push(df!["n" => values, "t" => text].unwrap()).unwrap();
        }
        let file = writer.finish().unwrap().unwrap();
        assert_eq!(file.rows, 60);
        let table = file.read_and_remove().unwrap();
        let read: Vec<i64> = table
            .column("n")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(read, (0..60).collect::<Vec<_>>());
        assert!(!file.path.exists());
    }

    #[test]
    fn a_dead_runs_directory_is_removed_and_a_live_ones_kept() {
        let parent = tempfile::tempdir().unwrap();
        // No process has pid 2^22 + 1 (Linux's pid_max is at most 2^22).
        let dead = parent.path().join(format!("{PREFIX}4194305-abc"));
        let live = parent.path().join(format!("{PREFIX}{}-abc", std::process::id()));
        std::fs::create_dir(&dead).unwrap();
        std::fs::create_dir(&live).unwrap();
        let spill = SpillDirectory::create(Some(parent.path()), None).unwrap();
        assert!(!dead.exists());
        assert!(live.exists());
        drop(spill);
    }
}
