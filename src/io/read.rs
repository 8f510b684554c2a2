//! Opening inputs: command-line specs (`NAME=PATH`, globs, directories, `-`) resolved to
//! sources, each checked (empty, binary, compressed, encoding) and scanned by polars into a
//! raw `LazyFrame` that still has the source's own headers.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::compression::{self, Codec};
use crate::io::encryption::{self, temporary_file, TemporaryFile};
use crate::io::presets::PresetChoice;
use crate::io::sniff::{self, FileFormat};
use crate::io::spreadsheet;

/// The text encoding of delimited input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    Latin1,
    Windows1252,
}

/// How inputs are read: the column mapping overrides, how dates are read, the text encoding
/// and the field delimiter of delimited input (default: sniffed).
#[derive(Debug, Clone, Default)]
pub struct ReadSettings {
    /// `CANONICAL=HEADER` overrides of the automatic mapping.
    pub map: Vec<String>,
    /// Slash dates are day/month/year.
    pub dayfirst: bool,
    /// A strftime format for the ts column, instead of detecting it.
    pub date_format: Option<String>,
    pub encoding: Encoding,
    pub delimiter: Option<char>,
    /// The platform preset: detected from the headers, named, or off.
    pub preset: PresetChoice,
    /// The sheet of a spreadsheet input (default: its first).
    pub sheet: Option<String>,
    /// Customer ids that are email addresses may be read (the command writes them only with
    /// `--keep-pii`, or pseudonymises them).
    pub email_ids_allowed: bool,
}

/// The row-number column every raw frame carries (0-based position in its source).
pub const RAW_ROW_INDEX: &str = "__ckm_row";

/// One input as given on the command line, before it is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// What messages call it: the path as given, or `-` for stdin.
    pub display: String,
    pub channel: Option<String>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Stdin,
    File(PathBuf),
    /// A directory of Parquet files, hive-partitioned or not.
    ParquetDir(PathBuf),
}

fn is_channel_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Resolves command-line inputs to sources: `NAME=` prefixes, `-`, globs (sorted) and
/// directories of Parquet files.
pub fn resolve_inputs(args: &[String]) -> Result<Vec<InputSpec>> {
    let mut specs = Vec::new();
    let mut stdin_seen = false;
    for arg in args {
        let (channel, path_text) = match arg.split_once('=') {
            Some((name, rest)) if is_channel_name(name) && !Path::new(arg).exists() => {
                (Some(name.to_string()), rest.to_string())
            }
            _ => (None, arg.clone()),
        };
        if path_text == "-" {
            if stdin_seen {
                return Err(CkmError::usage("stdin ('-') can be given only once"));
            }
            stdin_seen = true;
            specs.push(InputSpec {
                display: "-".into(),
                channel,
                location: Location::Stdin,
            });
            continue;
        }
        let path = PathBuf::from(&path_text);
        if path.is_dir() {
            let has_parquet = walk_files(&path)?
                .iter()
                .any(|p| FileFormat::from_extension(p) == Some(FileFormat::Parquet));
            if !has_parquet {
                return Err(CkmError::invalid(format!(
                    "{path_text}: directory holds no .parquet files; give the files themselves or a glob"
                )));
            }
            specs.push(InputSpec {
                display: path_text,
                channel,
                location: Location::ParquetDir(path),
            });
            continue;
        }
        if path.exists() {
            specs.push(InputSpec {
                display: path_text,
                channel,
                location: Location::File(path),
            });
            continue;
        }
        if path_text.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(&path_text)
                .map_err(|e| CkmError::usage(format!("{path_text}: not a valid glob: {e}")))?
                .filter_map(|entry| entry.ok())
                .filter(|p| p.is_file())
                .collect();
            matched.sort();
            if matched.is_empty() {
                return Err(CkmError::usage(format!("{path_text}: the glob matches no file")));
            }
            for file in matched {
                specs.push(InputSpec {
                    display: file.display().to_string(),
                    channel: channel.clone(),
                    location: Location::File(file),
                });
            }
            continue;
        }
        anyhow::bail!("{path_text}: no such file or directory");
    }
    Ok(specs)
}

fn walk_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in
            std::fs::read_dir(&current).with_context(|| format!("reading directory {}", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// A source ready for a polars scan: format known, bytes checked and, when needed, copied
/// into a temporary UTF-8 file.
pub struct Source {
    pub spec: InputSpec,
    pub format: FileFormat,
    pub delimiter: u8,
    /// The file polars reads (the original, or a temporary copy for stdin and re-encoded input).
    pub read_path: PathBuf,
    /// The bytes as received, for size and sha256 in the manifest (`None` for directories).
    pub original_path: Option<PathBuf>,
    /// Notes for the summary, such as a decoding that happened.
    pub notes: Vec<String>,
    /// A table already read (an Arrow stream on stdin), instead of a file to scan.
    pub preloaded: Option<DataFrame>,
    /// The size and sha256 of what stdin gave, when it was read as it arrived.
    pub received: Option<(u64, String)>,
    /// The row number of the first data row, as the user sees the file: 2 for text with a
    /// header (the header is row 1), 1 for Parquet, the header's row + 1 for a spreadsheet.
    first_row: u32,
    _temporary: Vec<TemporaryFile>,
}

impl Source {
    /// A source read into memory when it was opened (an Arrow stream on stdin, a sheet),
    /// scanned from there instead of from a file.
    fn preloaded(
        spec: InputSpec,
        format: FileFormat,
        table: DataFrame,
        original_path: Option<PathBuf>,
        first_row: u32,
        temporary: Vec<TemporaryFile>,
    ) -> Source {
        Source {
            spec,
            format,
            delimiter: b',',
            read_path: PathBuf::new(),
            original_path,
            notes: Vec::new(),
            preloaded: Some(table),
            received: None,
            first_row,
            _temporary: temporary,
        }
    }

    /// The number the first data row gets: 2 for text with a header (the header is row 1).
    /// Row numbers are u32 like polars' own row index (a file has fewer than 2^32 rows).
    pub fn first_row_number(&self) -> u32 {
        self.first_row
    }
}

/// Opens one input spec: spools stdin, sniffs the format, and checks the bytes.
pub fn open_source(spec: InputSpec, read: &ReadSettings) -> Result<Source> {
    let mut temporary = Vec::new();
    let (path, original) = match &spec.location {
        Location::Stdin => {
            crate::io::write::widen_pipe(libc::STDIN_FILENO);
            let mut stdin = std::io::BufReader::with_capacity(1 << 20, std::io::stdin().lock());
            let head = stdin.fill_buf().context("reading stdin")?;
            // An Arrow stream (`ckm ingest --format arrow | ckm clean -`) is read as it
            // arrives, while the writer is still writing, instead of being copied to a
            // temporary file and read again once it has all come.
            if head.starts_with(&[0xff, 0xff, 0xff, 0xff]) {
                return arrow_stream_from_stdin(spec, stdin);
            }
            let mut spooled = temporary_file("ckm-stdin-").context("creating a temporary file for stdin")?;
            let mut file = spooled.file();
            std::io::copy(&mut stdin, &mut file).context("reading stdin")?;
            file.flush()?;
            let owned = spooled.path().to_path_buf();
            temporary.push(spooled);
            (owned.clone(), Some(owned))
        }
        Location::File(p) => (p.clone(), Some(p.clone())),
        Location::ParquetDir(p) => {
            return Ok(Source {
                spec: spec.clone(),
                format: FileFormat::Parquet,
                delimiter: b',',
                read_path: p.clone(),
                original_path: None,
                notes: Vec::new(),
                preloaded: None,
                received: None,
                first_row: 1,
                _temporary: temporary,
            });
        }
    };
    let display = spec.display.clone();
    let mut path = path;
    let mut head = sniff::read_head(&path, 64 * 1024).with_context(|| format!("reading {display}"))?;
    let mut notes = Vec::new();
    // The name says the format inside: `orders.csv.gz` is CSV, `orders.csv.gz.age` too.
    let named = compression::inner_path(&encryption::inner_path(&path));
    if encryption::is_age_file(&path, &head) {
        let decrypted = encryption::decrypt_input(&path, &display)?;
        path = decrypted.path().to_path_buf();
        temporary.push(decrypted);
        head = sniff::read_head(&path, 64 * 1024).with_context(|| format!("reading {display}"))?;
        notes.push(format!("{display}: age-encrypted, decrypted in memory"));
    }
    if let Some(codec) = Codec::from_magic(&head) {
        let decompressed = compression::decompress(&path, codec, &display)?;
        path = decompressed.path().to_path_buf();
        temporary.push(decompressed);
        head = sniff::read_head(&path, 64 * 1024).with_context(|| format!("reading {display}"))?;
        notes.push(format!("{display}: {codec}-compressed, decompressed while read"));
    }
    if head.is_empty() {
        return Err(CkmError::invalid(format!(
            "{display}: the input is empty (0 bytes); expected a header row and data"
        )));
    }
    let by_content = FileFormat::from_content(&head);
    let format = match (&spec.location, FileFormat::from_extension(&named)) {
        (Location::File(_), Some(by_extension)) => {
            // A binary magic number beats a misleading extension.
            if by_content.is_text() {
                by_extension
            } else {
                by_content
            }
        }
        _ => by_content,
    };
    if format == FileFormat::Spreadsheet {
        let sheet = spreadsheet::read_sheet(&path, read.sheet.as_deref(), &display)?;
        notes.push(format!("{display}: sheet '{}'", sheet.sheet));
        return Ok(Source {
            notes,
            ..Source::preloaded(spec, format, sheet.table, original, sheet.first_row, temporary)
        });
    }
    if format.is_text() && sniff::looks_binary(&head) {
        return Err(CkmError::invalid(format!(
            "{display}: this looks like a binary file (it contains NUL bytes), not CSV, TSV, JSON, \
             Parquet or Arrow; check the file name"
        )));
    }
    let mut read_path = path.clone();
    if format.is_text() {
        match read.encoding {
            Encoding::Utf8 => {
                // Only the head is checked here: the whole file is checked when the read fails
                // (see `diagnose`), rather than reading every byte twice on the good days.
                if let Some(problem) = sniff::invalid_utf8_in(&head) {
                    return Err(CkmError::invalid(not_utf8_message(&display, &problem)));
                }
            }
            Encoding::Latin1 | Encoding::Windows1252 => {
                let bytes = std::fs::read(&path).with_context(|| format!("reading {display}"))?;
                let decoded = decode_single_byte(&bytes, read.encoding);
                let mut converted = temporary_file("ckm-decoded-")?;
                let mut file = converted.file();
                file.write_all(decoded.as_bytes())?;
                file.flush()?;
                read_path = converted.path().to_path_buf();
                temporary.push(converted);
                notes.push(format!("{display}: decoded from {:?} to UTF-8", read.encoding));
            }
        }
    }
    let delimiter = match format {
        FileFormat::Tsv => b'\t',
        FileFormat::Delimited => match read.delimiter {
            Some(c) if c.is_ascii() => c as u8,
            Some(c) => {
                return Err(CkmError::usage(format!(
                    "--delimiter '{c}': the delimiter must be one ASCII character"
                )))
            }
            None => sniff::sniff_delimiter(&head),
        },
        _ => b',',
    };
    Ok(Source {
        spec,
        format,
        delimiter,
        read_path,
        original_path: original,
        notes,
        preloaded: None,
        received: None,
        first_row: if matches!(format, FileFormat::Delimited | FileFormat::Tsv) {
            2
        } else {
            1
        },
        _temporary: temporary,
    })
}

/// Reads an Arrow IPC stream from stdin into memory as it arrives. Its sha256 is taken on
/// the other core from copies of the chunks read, so hashing adds no time to the read.
fn arrow_stream_from_stdin(spec: InputSpec, stdin: impl Read) -> Result<Source> {
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(64);
    let hasher = std::thread::spawn(move || {
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        for chunk in receive {
            sha2::Digest::update(&mut hasher, &chunk);
        }
        crate::io::write::hex(&sha2::Digest::finalize(hasher))
    });
    let mut tee = TeeReader {
        inner: stdin,
        bytes: 0,
        copies: Some(send),
    };
    let table = IpcStreamReader::new(&mut tee).finish();
    // The rest of the stream (an end marker the reader stopped before) counts and hashes too.
    let rest = std::io::copy(&mut tee, &mut std::io::sink());
    let bytes = tee.bytes;
    drop(tee);
    let sha256 = hasher
        .join()
        .map_err(|_| anyhow::anyhow!("hashing stdin failed"))?;
    rest.context("reading stdin")?;
    let table = table.map_err(|e| {
        CkmError::invalid(format!(
            "{}: not a readable Arrow stream after {bytes} bytes ({e}); was the writer stopped?",
            spec.display
        ))
    })?;
    Ok(Source {
        received: Some((bytes, sha256)),
        ..Source::preloaded(spec, FileFormat::ArrowStream, table, None, 1, Vec::new())
    })
}

/// Passes reads through, counting the bytes and sending a copy of each chunk.
struct TeeReader<R> {
    inner: R,
    bytes: u64,
    copies: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
}

impl<R: Read> Read for TeeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        if let Some(copies) = &self.copies {
            if n > 0 && copies.send(buf[..n].to_vec()).is_err() {
                self.copies = None;
            }
        }
        Ok(n)
    }
}

/// polars' stream reader asks for `Seek` but reads a stream front to back, skipping forward
/// over a message's padding at most: a skip forward is a read, and a seek back (which a
/// stream cannot do) is an error rather than a wrong read.
impl<R: Read> std::io::Seek for TeeReader<R> {
    fn seek(&mut self, position: std::io::SeekFrom) -> std::io::Result<u64> {
        match position {
            std::io::SeekFrom::Current(skip) if skip >= 0 => {
                let skipped = std::io::copy(&mut self.by_ref().take(skip as u64), &mut std::io::sink())?;
                if skipped < skip as u64 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                Ok(self.bytes)
            }
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "stdin cannot seek back",
            )),
        }
    }
}

/// Latin-1 maps every byte to the code point of the same number; Windows-1252 differs in
/// 0x80..0x9F (€, quotes, dashes), which encoding_rs knows.
fn decode_single_byte(bytes: &[u8], encoding: Encoding) -> String {
    let bytes = sniff::strip_bom(bytes);
    match encoding {
        Encoding::Latin1 => bytes.iter().map(|&b| b as char).collect(),
        _ => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Finds why a delimited file failed to parse: the first row whose field count differs from
/// the header's. polars reports such rows without their number.
fn not_utf8_message(display: &str, problem: &sniff::Utf8Problem) -> String {
    format!(
        "{display}: byte offset {} (line {}) holds byte 0x{:02X}, which is not UTF-8; \
         the file is probably Latin-1 or Windows-1252: pass --encoding windows-1252 \
         (or --encoding latin-1), or convert it with iconv",
        problem.byte_offset, problem.line, problem.byte
    )
}

/// After a failed read, finds what is wrong with a text input: bytes that are not UTF-8, or
/// a row whose field count differs from the header's.
pub fn diagnose(source: &Source) -> Option<String> {
    if !source.format.is_text() {
        return None;
    }
    if let Ok(Some(problem)) = sniff::find_invalid_utf8(&source.read_path) {
        return Some(not_utf8_message(&source.spec.display, &problem));
    }
    diagnose_delimited(source)
}

fn diagnose_delimited(source: &Source) -> Option<String> {
    if !matches!(source.format, FileFormat::Delimited | FileFormat::Tsv) {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(source.delimiter)
        .flexible(true)
        .from_path(&source.read_path)
        .ok()?;
    let expected = reader.headers().ok()?.len();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        match record {
            Err(e) => return Some(format!("{}: row {row}: {e}", source.spec.display)),
            Ok(r) if r.len() != expected => {
                let line = r.position().map(|p| p.line()).unwrap_or(row as u64);
                let hint = if r.len() > expected {
                    "quote fields that contain the delimiter, or remove the extra fields"
                } else {
                    "a quoted field may be left open, or fields are missing"
                };
                return Some(format!(
                    "{}: row {row} (line {line}) has {} field{} where the header has {expected}; {hint}",
                    source.spec.display,
                    r.len(),
                    if r.len() == 1 { "" } else { "s" }
                ));
            }
            Ok(_) => {}
        }
    }
    None
}

fn pl_path(path: &Path) -> PlRefPath {
    PlRefPath::new(path.to_string_lossy().as_ref())
}

/// Scans a source into a raw frame: the source's own columns (all text for delimited input,
/// so no value is lost to type inference) plus [`RAW_ROW_INDEX`].
/// A column of a raw table (read as text) as numbers; `None` where a value is missing or not
/// a number.
pub fn numbers_in_text(table: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let column = table.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.and_then(|v| v.trim().parse::<f64>().ok()))
        .collect())
}

/// The first value of a column as an integer (an aggregate's one row), `None` when it is
/// missing or the column has no row.
pub fn first_integer(table: &DataFrame, name: &str) -> Result<Option<i64>> {
    Ok(table.column(name)?.cast(&DataType::Int64)?.i64()?.get(0))
}

/// A column as text, missing values as empty strings (ids for output).
pub fn text_values(table: &DataFrame, name: &str) -> Result<Vec<String>> {
    let column = table.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect())
}

pub fn scan_raw(source: &Source) -> Result<LazyFrame> {
    scan_raw_with_numbers(source, &[])
}

/// As [`scan_raw`], but the named columns of delimited text are read by the CSV parser as
/// numbers: much faster than text, and it fails (rather than nulling) on any value that is
/// not a plain number, so the caller can fall back to the text scan.
pub fn scan_raw_with_numbers(source: &Source, number_columns: &[String]) -> Result<LazyFrame> {
    let display = &source.spec.display;
    let path = &source.read_path;
    if let Some(table) = &source.preloaded {
        return Ok(table.clone().lazy().with_row_index(RAW_ROW_INDEX, None));
    }
    let lf = match source.format {
        FileFormat::Delimited | FileFormat::Tsv => {
            let numbers: Schema = number_columns
                .iter()
                .map(|name| Field::new(name.as_str().into(), DataType::Float64))
                .collect();
            LazyCsvReader::new(pl_path(path))
                .with_has_header(true)
                .with_separator(source.delimiter)
                .with_infer_schema_length(Some(0))
                .with_dtype_overwrite((!number_columns.is_empty()).then(|| Arc::new(numbers)))
                .with_missing_is_null(true)
                .finish()
        }
        FileFormat::Parquet => {
            let hive = matches!(source.spec.location, Location::ParquetDir(_));
            let args = ScanArgsParquet {
                hive_options: HiveOptions {
                    enabled: Some(hive),
                    ..HiveOptions::new_disabled()
                },
                ..Default::default()
            };
            // A directory's Parquet files only: a dataset directory also holds Spark's
            // `_SUCCESS` and checksums, or a job's logs.
            let scanned = if hive {
                path.join("**").join("*.parquet")
            } else {
                path.to_path_buf()
            };
            LazyFrame::scan_parquet(pl_path(&scanned), args)
        }
        FileFormat::Ndjson => LazyJsonLineReader::new(pl_path(path)).finish(),
        FileFormat::Json => {
            let file = std::fs::File::open(path).with_context(|| format!("opening {display}"))?;
            JsonReader::new(file)
                .with_json_format(JsonFormat::Json)
                .finish()
                .map(|df| df.lazy())
        }
        FileFormat::ArrowStream => {
            let file = std::fs::File::open(path).with_context(|| format!("opening {display}"))?;
            IpcStreamReader::new(file).finish().map(|df| df.lazy())
        }
        // Read when opened, into `preloaded`.
        FileFormat::Spreadsheet => Err(PolarsError::ComputeError(
            "a spreadsheet is read when it is opened".into(),
        )),
        FileFormat::ArrowFile => {
            let file = std::fs::File::open(path).with_context(|| format!("opening {display}"))?;
            IpcReader::new(file).finish().map(|df| df.lazy())
        }
    }
    .map_err(|e| CkmError::invalid(format!("{display}: cannot be read as {:?}: {e}", source.format)))?;
    Ok(lf.with_row_index(RAW_ROW_INDEX, None))
}
