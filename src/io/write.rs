//! The one table writer: format from the extension or `--format`, atomic files (a temporary
//! file in the same directory, renamed into place), stdout with a quiet end on a closed pipe.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::CkmError;
use crate::io::compression::{self, Codec};
use crate::io::delimited;
use crate::io::encryption;
use crate::io::policy;

/// An output table's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Tsv,
    Parquet,
    Json,
    Ndjson,
    Arrow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

impl Destination {
    pub fn display(&self) -> String {
        match self {
            Destination::Stdout => "-".into(),
            Destination::File(p) => p.display().to_string(),
        }
    }
}

/// What was written, for the summary and the manifest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WrittenFile {
    pub path: String,
    pub format: String,
    pub rows: usize,
    pub bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Columns the role policy took out (`--policy`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_by_policy: Vec<String>,
}

pub fn format_name(format: TableFormat) -> &'static str {
    match format {
        TableFormat::Csv => "csv",
        TableFormat::Tsv => "tsv",
        TableFormat::Parquet => "parquet",
        TableFormat::Json => "json",
        TableFormat::Ndjson => "ndjson",
        TableFormat::Arrow => "arrow",
    }
}

fn format_from_extension(path: &Path) -> Option<TableFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "txt" => TableFormat::Csv,
        "tsv" | "tab" => TableFormat::Tsv,
        "parquet" | "pq" => TableFormat::Parquet,
        "json" => TableFormat::Json,
        "ndjson" | "jsonl" => TableFormat::Ndjson,
        "arrow" | "arrows" | "ipc" => TableFormat::Arrow,
        _ => return None,
    })
}

/// Where a table goes and in which format: `-o PATH` (format from its extension) or stdout
/// (CSV), `--format` overriding either.
pub fn resolve_destination(
    output: Option<&str>,
    format: Option<TableFormat>,
) -> Result<(Destination, TableFormat)> {
    match output {
        None | Some("-") if encryption::outputs_encrypted() => Err(CkmError::usage(
            "--encrypt-to encrypts files, not stdout: give the output a file with -o PATH",
        )),
        None | Some("-") => Ok((Destination::Stdout, format.unwrap_or(TableFormat::Csv))),
        Some(path) => {
            let path = PathBuf::from(path);
            // `orders.csv.gz.age`: CSV, gzip-compressed, then encrypted.
            let inner = encryption::inner_path(&path);
            if inner != path && !encryption::outputs_encrypted() {
                return Err(CkmError::usage(format!(
                    "{}: an .age output needs --encrypt-to RECIPIENT",
                    path.display()
                )));
            }
            let format = match format.or_else(|| format_from_extension(&compression::inner_path(&inner))) {
                Some(f) => f,
                None => {
                    return Err(CkmError::usage(format!(
                        "{}: cannot tell the output format from the extension; use .csv, .tsv, .parquet, \
                         .json, .ndjson or .arrow (the text ones also as .csv.gz, .csv.zst, ...), or pass --format",
                        path.display()
                    )))
                }
            };
            if let (Some(codec), TableFormat::Parquet | TableFormat::Arrow) =
                (Codec::from_path(&inner), format)
            {
                return Err(CkmError::usage(format!(
                    "{}: {} is compressed inside already; name the output .{} (or choose a text format to {codec}-compress)",
                    path.display(),
                    format_name(format),
                    format_name(format)
                )));
            }
            Ok((Destination::File(path), format))
        }
    }
}

/// Counts bytes and, when asked, hashes them on their way to the inner writer.
struct CountingWriter<W: Write> {
    inner: W,
    bytes: u64,
    hasher: Option<Sha256>,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..written]);
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Stdout that remembers a closed pipe, because polars wraps the io error it sees.
struct StdoutSink {
    inner: BufWriter<std::io::Stdout>,
    closed: Arc<AtomicBool>,
}

impl Write for StdoutSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| self.note(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| self.note(e))
    }
}

impl StdoutSink {
    fn note(&self, error: &std::io::Error) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            self.closed.store(true, Ordering::Relaxed);
        }
    }
}

/// Rows per Parquet row group: DuckDB's default. On the 10M-line benchmark table it wrote
/// faster (8.7 s against 10.1 s) and smaller (152 MB against 169 MB) than polars' 512 Ki rows,
/// since per-group dictionaries stay small.
const PARQUET_ROW_GROUP: usize = 122_880;

/// Parquet one row group at a time: `ParquetWriter::finish` first copies the whole table into
/// row-group-sized chunks, which doubles the peak memory of a large write.
fn write_parquet<W: Write>(df: &DataFrame, writer: W) -> PolarsResult<()> {
    let mut batched = ParquetWriter::new(writer).batched(df.schema())?;
    let mut offset = 0;
    loop {
        let mut group = df.slice(offset as i64, PARQUET_ROW_GROUP);
        group.rechunk_mut();
        if group.height() > 0 || offset == 0 {
            batched.write_batch(&group)?;
        }
        offset += PARQUET_ROW_GROUP;
        if offset >= df.height() {
            break;
        }
    }
    batched.finish().map(|_| ())
}

fn encode<W: Write>(df: &mut DataFrame, format: TableFormat, writer: W) -> PolarsResult<()> {
    match format {
        TableFormat::Csv => delimited::encode(df, b',', writer),
        TableFormat::Tsv => delimited::encode(df, b'\t', writer),
        TableFormat::Parquet => write_parquet(df, writer),
        TableFormat::Json => JsonWriter::new(writer)
            .with_json_format(JsonFormat::Json)
            .finish(df),
        TableFormat::Ndjson => JsonWriter::new(writer)
            .with_json_format(JsonFormat::JsonLines)
            .finish(df),
        // Newest compat level: string views go out as they are, with no conversion per value.
        TableFormat::Arrow => IpcStreamWriter::new(writer)
            .with_compat_level(CompatLevel::newest())
            .finish(df),
    }
}

/// The destination of a second table a command writes beside its main output (`flag PATH`):
/// it needs a file, since stdout carries the main table.
pub fn resolve_side_destination(
    flag: &str,
    path: Option<&str>,
) -> Result<Option<(Destination, TableFormat)>> {
    match path {
        Some("-") => Err(CkmError::usage(format!(
            "{flag} needs a file path; stdout carries the main table"
        ))),
        Some(path) => Ok(Some(resolve_destination(Some(path), None)?)),
        None => Ok(None),
    }
}

/// Writes a table. Files appear complete or not at all.
pub fn write_table(
    df: &mut DataFrame,
    destination: &Destination,
    format: TableFormat,
    hash: bool,
) -> Result<WrittenFile> {
    let rows = df.height();
    let removed = policy::apply(df)?;
    signed_counts(df)?;
    let mut written = deliver(destination, format, hash, |writer| {
        encode(df, format, writer)?;
        Ok(rows)
    })?;
    written.removed_by_policy = removed;
    Ok(written)
}

/// Writes a table that arrives in parts, in order (each part a [`DataFrame`] with the same
/// columns), holding one part at a time: for tables larger than memory. `columns` is the
/// table's schema, for the header or the file's schema when no part comes. Files appear
/// complete or not at all, as with [`write_table`].
pub fn write_parts(
    parts: impl Iterator<Item = Result<DataFrame>>,
    columns: &Schema,
    destination: &Destination,
    format: TableFormat,
    hash: bool,
) -> Result<WrittenFile> {
    // The columns as the parts will be written: what the role policy lets out, counts signed.
    let mut empty = DataFrame::empty_with_schema(columns);
    let removed = policy::apply(&mut empty)?;
    signed_counts(&mut empty)?;
    let columns = empty.schema().as_ref().clone();
    let mut written = deliver(destination, format, hash, |writer| {
        let mut encoder = PartEncoder::new(format, &columns, writer)?;
        let mut rows = 0;
        for part in parts {
            let mut part = part?;
            policy::apply(&mut part)?;
            signed_counts(&mut part)?;
            rows += part.height();
            encoder.write(&mut part)?;
        }
        encoder.finish()?;
        Ok(rows)
    })?;
    written.removed_by_policy = removed;
    Ok(written)
}

/// Runs `encode` into the destination (an atomic file, compressed by its extension, or
/// stdout); `encode` returns the rows it wrote.
fn deliver(
    destination: &Destination,
    format: TableFormat,
    hash: bool,
    encode: impl FnOnce(&mut dyn Write) -> Result<usize>,
) -> Result<WrittenFile> {
    match destination {
        Destination::Stdout => {
            widen_pipe(libc::STDOUT_FILENO);
            let closed = Arc::new(AtomicBool::new(false));
            let sink = StdoutSink {
                inner: BufWriter::with_capacity(1 << 20, std::io::stdout()),
                closed: closed.clone(),
            };
            let mut counting = CountingWriter {
                inner: sink,
                bytes: 0,
                hasher: hash.then(Sha256::new),
            };
            let result = encode(&mut counting).and_then(|rows| {
                counting.flush()?;
                Ok(rows)
            });
            if closed.load(Ordering::Relaxed) {
                return Err(CkmError::BrokenPipe.into());
            }
            let rows = result.context("writing to stdout")?;
            Ok(WrittenFile {
                path: "-".into(),
                format: format_name(format).into(),
                rows,
                bytes: counting.bytes,
                sha256: counting.hasher.map(|h| hex(&h.finalize())),
                removed_by_policy: Vec::new(),
            })
        }
        Destination::File(path) => {
            let mut rows = 0;
            let (bytes, sha256) = write_atomically(path, hash, |writer| {
                match Codec::from_path(&encryption::inner_path(path)) {
                    Some(codec) => {
                        let mut compressed = compression::Encoder::new(codec, writer)?;
                        rows = encode(&mut compressed)?;
                        compressed.finish()?;
                        Ok(())
                    }
                    None => {
                        rows = encode(writer)?;
                        Ok(())
                    }
                }
            })?;
            Ok(WrittenFile {
                path: path.display().to_string(),
                format: format_name(format).into(),
                rows,
                bytes,
                sha256,
                removed_by_policy: Vec::new(),
            })
        }
    }
}

/// One table written part by part, in one of the formats, into `writer`.
enum PartEncoder<'w> {
    Delimited {
        writer: &'w mut dyn Write,
        separator: u8,
        started: bool,
        columns: Schema,
    },
    Parquet {
        writer: Box<polars::io::parquet::write::BatchedWriter<&'w mut dyn Write>>,
        /// Rows short of a whole row group, waiting for the next part.
        pending: Option<DataFrame>,
    },
    Arrow(Box<polars_arrow::io::ipc::write::StreamWriter<&'w mut dyn Write>>),
    Json {
        writer: &'w mut dyn Write,
        /// One JSON array (`[{..},{..}]`) rather than a record per line.
        array: bool,
        records: u64,
    },
}

impl<'w> PartEncoder<'w> {
    fn new(
        format: TableFormat,
        columns: &Schema,
        writer: &'w mut dyn Write,
    ) -> PolarsResult<PartEncoder<'w>> {
        Ok(match format {
            TableFormat::Csv | TableFormat::Tsv => PartEncoder::Delimited {
                writer,
                separator: if format == TableFormat::Csv { b',' } else { b'\t' },
                started: false,
                columns: columns.clone(),
            },
            TableFormat::Parquet => PartEncoder::Parquet {
                writer: Box::new(ParquetWriter::new(writer).batched(columns)?),
                pending: None,
            },
            TableFormat::Arrow => {
                // Newest compat level, as `write_table` writes Arrow.
                let schema = columns.to_arrow(CompatLevel::newest());
                let mut stream = polars_arrow::io::ipc::write::StreamWriter::new(
                    writer,
                    polars_arrow::io::ipc::write::WriteOptions { compression: None },
                );
                stream.start(&schema, None)?;
                PartEncoder::Arrow(Box::new(stream))
            }
            TableFormat::Ndjson | TableFormat::Json => PartEncoder::Json {
                writer,
                array: format == TableFormat::Json,
                records: 0,
            },
        })
    }

    fn write(&mut self, part: &mut DataFrame) -> PolarsResult<()> {
        match self {
            PartEncoder::Delimited {
                writer,
                separator,
                started,
                ..
            } => {
                let header = !*started;
                *started = true;
                delimited::encode_part(part, *separator, header, writer)
            }
            PartEncoder::Parquet { writer, pending } => {
                let mut rows = match pending.take() {
                    Some(mut earlier) => {
                        earlier.vstack_mut(part)?;
                        earlier
                    }
                    None => part.clone(),
                };
                while rows.height() >= PARQUET_ROW_GROUP {
                    let mut group = rows.slice(0, PARQUET_ROW_GROUP);
                    group.rechunk_mut();
                    writer.write_batch(&group)?;
                    rows = rows.slice(PARQUET_ROW_GROUP as i64, usize::MAX);
                }
                *pending = (rows.height() > 0).then_some(rows);
                Ok(())
            }
            PartEncoder::Arrow(stream) => {
                part.rechunk_mut();
                for batch in part.iter_chunks(CompatLevel::newest(), true) {
                    stream.write(&batch, None)?;
                }
                Ok(())
            }
            PartEncoder::Json {
                writer, array: false, ..
            } => JsonWriter::new(writer)
                .with_json_format(JsonFormat::JsonLines)
                .finish(part),
            PartEncoder::Json {
                writer,
                array: true,
                records,
            } => {
                let mut lines = Vec::new();
                JsonWriter::new(&mut lines)
                    .with_json_format(JsonFormat::JsonLines)
                    .finish(part)?;
                // Text values have their line breaks escaped: a raw newline ends a record.
                for line in lines.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    writer.write_all(if *records == 0 { b"[" } else { b"," })?;
                    writer.write_all(line)?;
                    *records += 1;
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> PolarsResult<()> {
        match self {
            PartEncoder::Delimited {
                writer,
                separator,
                started: false,
                columns,
            } => delimited::encode(&mut DataFrame::empty_with_schema(&columns), separator, writer),
            PartEncoder::Delimited { .. } => Ok(()),
            PartEncoder::Parquet { mut writer, pending } => {
                if let Some(mut rest) = pending {
                    rest.rechunk_mut();
                    writer.write_batch(&rest)?;
                }
                writer.finish().map(|_| ())
            }
            PartEncoder::Arrow(mut stream) => stream.finish(),
            PartEncoder::Json {
                writer,
                array: true,
                records,
            } => Ok(writer.write_all(if records == 0 { b"[]" } else { b"]" })?),
            PartEncoder::Json { .. } => Ok(()),
        }
    }
}

/// Bytes a pipe holds: 1 MiB, Linux's largest for an unprivileged process by default.
const PIPE_BYTES: libc::c_int = 1 << 20;

/// Widens the pipe on `fd`, if it is one, from the kernel's 64 KiB: a table piped to the next
/// command (`ckm ingest --format arrow | ckm clean -`) then crosses in 16 times fewer turns of
/// the writer and the reader; the 1.5 GB of the 10M-line table took 2.8 s more through a
/// 64 KiB pipe than into /dev/null. Nothing happens for a file or a terminal, or if the
/// kernel says no.
pub fn widen_pipe(fd: libc::c_int) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: fstat and fcntl on a descriptor this process has; both only report or
        // change the pipe's capacity.
        unsafe {
            let mut stat: libc::stat = std::mem::zeroed();
            if libc::fstat(fd, &mut stat) == 0 && (stat.st_mode & libc::S_IFMT) == libc::S_IFIFO {
                libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BYTES);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = fd;
}

/// Counts (unsigned 64-bit inside) as signed 64-bit: Spark reads an unsigned 64-bit Parquet
/// column as `decimal(20,0)` and Java tools have no such type; no count comes near 2^63.
fn signed_counts(df: &mut DataFrame) -> PolarsResult<()> {
    let unsigned: Vec<PlSmallStr> = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::UInt64)
        .map(|c| c.name().clone())
        .collect();
    for name in unsigned {
        let signed = df.column(&name)?.cast(&DataType::Int64)?;
        df.with_column(signed)?;
    }
    Ok(())
}

/// Writes through a temporary file in the target's directory and renames it into place, so
/// a killed run never leaves half a file where the output goes. Returns the size and, when
/// asked, the sha256.
///
/// The temporary file has no name while it is written ([`TemporaryOutput`]), so a run killed
/// mid-write (a cron time-out) leaves nothing behind: a nightly job killed every night would
/// otherwise fill the disk with hidden partial copies.
pub fn write_atomically(
    path: &Path,
    hash: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<(u64, Option<String>)> {
    let directory = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("ckm");
    remove_stale_temporaries(&directory, name);
    let temporary = TemporaryOutput::create(&directory, name)
        .with_context(|| format!("creating a temporary file in {}", directory.display()))?;
    let mut counting = CountingWriter {
        inner: BufWriter::with_capacity(1 << 20, temporary.file()),
        bytes: 0,
        hasher: hash.then(Sha256::new),
    };
    encryption::write_to(&mut counting, write).with_context(|| format!("writing {}", path.display()))?;
    counting
        .flush()
        .with_context(|| format!("writing {}", path.display()))?;
    let bytes = counting.bytes;
    let sha256 = counting.hasher.take().map(|h| hex(&h.finalize()));
    drop(counting);
    set_readable_permissions(temporary.file());
    temporary
        .persist(&directory, name, path)
        .with_context(|| format!("moving the finished output into place at {}", path.display()))?;
    Ok((bytes, sha256))
}

/// The name a temporary output is given in its directory: hidden, after the output it
/// becomes, and with the writer's process id, so a later run can tell whether its writer is
/// gone (`.NAME.ckm-PID-RANDOM.tmp`).
fn temporary_name(name: &str) -> String {
    let random: u32 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(".{name}.ckm-{}-{random:08x}.tmp", std::process::id())
}

/// The writer's process id in a temporary output's name of `name`, if it is one.
fn temporary_writer(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name
        .strip_prefix(&format!(".{name}.ckm-"))?
        .strip_suffix(".tmp")?;
    rest.split_once('-')?.0.parse().ok()
}

/// Removes this output's temporary files whose writer is no longer running: left where the
/// file system has no unnamed files, or by a run killed between naming its finished file and
/// moving it into place. Another run writing the same output right now keeps its file.
fn remove_stale_temporaries(directory: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|f| temporary_writer(f, name)) else {
            continue;
        };
        if !process_is_running(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
pub(crate) fn process_is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // Signal 0 checks that the process exists; EPERM means it does, as another user's.
    // SAFETY: kill with signal 0 sends nothing.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub(crate) fn process_is_running(_pid: u32) -> bool {
    true
}

/// A file being written that becomes an output once it is complete.
enum TemporaryOutput {
    /// Made with `O_TMPFILE` (Linux): no name until it is linked into place, so nothing is
    /// left if the process dies.
    #[cfg(target_os = "linux")]
    Unnamed(File),
    /// Where unnamed files are not supported: a hidden named file, removed by a later run of
    /// the same output once its writer is gone ([`remove_stale_temporaries`]).
    Named(tempfile::NamedTempFile),
}

impl TemporaryOutput {
    fn create(directory: &Path, name: &str) -> std::io::Result<TemporaryOutput> {
        #[cfg(target_os = "linux")]
        if let Some(file) = unnamed_file(directory) {
            return Ok(TemporaryOutput::Unnamed(file));
        }
        named_temporary(directory, name).map(TemporaryOutput::Named)
    }

    fn file(&self) -> &File {
        match self {
            #[cfg(target_os = "linux")]
            TemporaryOutput::Unnamed(file) => file,
            TemporaryOutput::Named(named) => named.as_file(),
        }
    }

    /// Moves the finished file to `path`, replacing what was there.
    fn persist(self, directory: &Path, name: &str, path: &Path) -> std::io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            TemporaryOutput::Unnamed(file) => {
                use std::os::unix::io::AsRawFd;
                // A name first (link fails on an existing target), then a rename over the
                // output, which replaces it in one step.
                let named = directory.join(temporary_name(name));
                let source = std::ffi::CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
                let target = std::ffi::CString::new(named.as_os_str().as_encoded_bytes())?;
                // SAFETY: both paths are NUL-terminated strings that outlive the call.
                let linked = unsafe {
                    libc::linkat(
                        libc::AT_FDCWD,
                        source.as_ptr(),
                        libc::AT_FDCWD,
                        target.as_ptr(),
                        libc::AT_SYMLINK_FOLLOW,
                    )
                };
                if linked != 0 {
                    // No /proc to link through (a bare container): copy the finished bytes
                    // into a named file instead, moved into place as usual.
                    let error = std::io::Error::last_os_error();
                    return copy_into_place(file, directory, name, path).map_err(|copy| {
                        std::io::Error::new(copy.kind(), format!("{copy} (after linking failed: {error})"))
                    });
                }
                std::fs::rename(&named, path).inspect_err(|_| {
                    let _ = std::fs::remove_file(&named);
                })
            }
            TemporaryOutput::Named(named) => named.persist(path).map(|_| ()).map_err(|e| e.error),
        }
    }
}

/// A hidden named temporary file for the output `name` in `directory`
/// (`.NAME.ckm-PID-....tmp`, so a later run can tell whether its writer is gone).
fn named_temporary(directory: &Path, name: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let full = temporary_name(name);
    tempfile::Builder::new()
        .prefix(&format!("{}-", full.trim_end_matches(".tmp")))
        .suffix(".tmp")
        .tempfile_in(directory)
}

/// The finished unnamed `file` copied into a named temporary file beside the output and moved
/// into place.
#[cfg(target_os = "linux")]
fn copy_into_place(mut file: File, directory: &Path, name: &str, path: &Path) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut named = named_temporary(directory, name)?;
    file.seek(SeekFrom::Start(0))?;
    std::io::copy(&mut file, named.as_file_mut())?;
    set_readable_permissions(named.as_file());
    named.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// An unnamed file in `directory`, where the file system supports them.
#[cfg(target_os = "linux")]
fn unnamed_file(directory: &Path) -> Option<File> {
    use std::os::unix::io::FromRawFd;
    let directory = std::ffi::CString::new(directory.as_os_str().as_encoded_bytes()).ok()?;
    // SAFETY: a NUL-terminated path; the descriptor returned is owned by the File.
    let fd = unsafe {
        libc::open(
            directory.as_ptr(),
            libc::O_TMPFILE | libc::O_RDWR | libc::O_CLOEXEC,
            0o600,
        )
    };
    // SAFETY: fd is a new descriptor nobody else owns.
    (fd >= 0).then(|| unsafe { File::from_raw_fd(fd) })
}

#[cfg(unix)]
fn set_readable_permissions(file: &File) {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates 0600; an output file should read like any other the user creates.
    let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_readable_permissions(_file: &File) {}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// sha256 and size of a file, for the manifest's inputs.
pub fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let bytes =
        std::io::copy(&mut file, &mut hasher).with_context(|| format!("reading {}", path.display()))?;
    Ok((bytes, hex(&hasher.finalize())))
}

#[cfg(all(test, target_os = "linux"))]
mod unnamed_output_tests {
    use super::*;

    /// Where linking through /proc fails, the finished unnamed file is copied into place,
    /// and nothing else is left in the directory.
    #[test]
    fn an_unnamed_file_is_copied_into_place_when_it_cannot_be_linked() {
        let dir = tempfile::tempdir().unwrap();
        let Some(mut file) = unnamed_file(dir.path()) else {
            eprintln!("skipping: this file system has no unnamed files");
            return;
        };
        file.write_all(b"customer_id\nC1\n").unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        copy_into_place(file, dir.path(), "out.csv", &path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"customer_id\nC1\n");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["out.csv"]);
    }

    #[test]
    fn temporary_names_carry_their_writer() {
        let name = temporary_name("out.csv");
        assert_eq!(temporary_writer(&name, "out.csv"), Some(std::process::id()));
        assert_eq!(temporary_writer(&name, "other.csv"), None);
        assert_eq!(temporary_writer(".out.csv.abc123.tmp", "out.csv"), None);
    }
}

#[cfg(test)]
mod part_tests {
    use super::*;

    fn table() -> DataFrame {
        let rows = 300_000;
        df![
            "customer_id" => (0..rows).map(|i| format!("C{}", i % 977)).collect::<Vec<_>>(),
            "amount" => (0..rows).map(|i| (i % 1000) as f64 / 7.0).collect::<Vec<_>>(),
            "lines" => (0..rows).map(|i| (i % 13) as u64).collect::<Vec<_>>(),
            "note" => (0..rows).map(|i| (i % 5 == 0).then(|| format!("a \"quoted\",\nline {i}"))).collect::<Vec<_>>(),
        ]
        .unwrap()
    }

    /// A table written in uneven parts is the table written whole: the same bytes for the
    /// text formats, the same rows for Parquet and Arrow (whose batches may be cut apart
    /// differently).
    #[test]
    fn a_table_written_in_parts_is_the_table_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let whole = table();
        for (extension, format) in [
            ("csv", TableFormat::Csv),
            ("tsv", TableFormat::Tsv),
            ("ndjson", TableFormat::Ndjson),
            ("json", TableFormat::Json),
            ("parquet", TableFormat::Parquet),
            ("arrow", TableFormat::Arrow),
            ("csv.gz", TableFormat::Csv),
        ] {
            let at_once = Destination::File(dir.path().join(format!("whole.{extension}")));
            let in_parts = Destination::File(dir.path().join(format!("parts.{extension}")));
            let written = write_table(&mut whole.clone(), &at_once, format, true).unwrap();
            let cuts = [(0, 1), (1, 122_879), (122_880, 150_000), (272_880, 27_120)];
            let parts = cuts
                .iter()
                .map(|&(offset, length)| Ok(whole.slice(offset, length)));
            let parted = write_parts(parts, whole.schema(), &in_parts, format, true).unwrap();
            assert_eq!(parted.rows, whole.height(), "{extension}");
            let read = |destination: &Destination| {
                let Destination::File(path) = destination else {
                    unreachable!()
                };
                let file = File::open(path).unwrap();
                match format {
                    TableFormat::Parquet => ParquetReader::new(file).finish().unwrap(),
                    _ => IpcStreamReader::new(file).finish().unwrap(),
                }
            };
            match format {
                TableFormat::Parquet | TableFormat::Arrow => {
                    assert!(read(&at_once).equals_missing(&read(&in_parts)), "{extension}");
                }
                // A gzip header has the time it was written: the text inside is compared.
                _ if extension.ends_with(".gz") => {
                    let text = |destination: &Destination| {
                        let Destination::File(path) = destination else {
                            unreachable!()
                        };
                        let mut text = Vec::new();
                        std::io::Read::read_to_end(
                            &mut flate2::read::GzDecoder::new(File::open(path).unwrap()),
                            &mut text,
                        )
                        .unwrap();
                        text
                    };
                    assert!(text(&at_once) == text(&in_parts), "{extension}");
                }
                _ => assert_eq!(written.sha256, parted.sha256, "{extension}"),
            }
        }
    }

    /// With no part at all, each format still writes a valid empty table with its columns.
    #[test]
    fn no_parts_is_an_empty_table() {
        let dir = tempfile::tempdir().unwrap();
        let empty = table().clear();
        for (extension, format) in [
            ("csv", TableFormat::Csv),
            ("json", TableFormat::Json),
            ("ndjson", TableFormat::Ndjson),
            ("parquet", TableFormat::Parquet),
            ("arrow", TableFormat::Arrow),
        ] {
            let path = dir.path().join(format!("empty.{extension}"));
            let none = std::iter::empty::<Result<DataFrame>>();
            let written = write_parts(
                none,
                empty.schema(),
                &Destination::File(path.clone()),
                format,
                false,
            )
            .unwrap();
            assert_eq!(written.rows, 0);
            let bytes = std::fs::read(&path).unwrap();
            match format {
                TableFormat::Csv => assert_eq!(bytes, b"customer_id,amount,lines,note\n"),
                TableFormat::Json => assert_eq!(bytes, b"[]"),
                TableFormat::Ndjson => assert!(bytes.is_empty()),
                TableFormat::Parquet => {
                    let read = ParquetReader::new(File::open(&path).unwrap()).finish().unwrap();
                    assert_eq!(read.get_column_names(), empty.get_column_names());
                    assert_eq!(read.column("lines").unwrap().dtype(), &DataType::Int64);
                }
                _ => {
                    let read = IpcStreamReader::new(File::open(&path).unwrap()).finish().unwrap();
                    assert_eq!((read.height(), read.width()), (0, 4));
                }
            }
        }
    }
}
