//! Recognising what a file is before handing it to a reader: its format (from the extension,
//! or from its first bytes for stdin), the delimiter of delimited text, and whether its bytes
//! are UTF-8.

use std::io::Read;
use std::path::Path;

/// The formats ckm reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Delimited text; the delimiter is sniffed unless the extension says `.tsv`.
    Delimited,
    Tsv,
    Parquet,
    /// One JSON array of records.
    Json,
    /// One JSON record per line.
    Ndjson,
    /// Arrow IPC stream (what `--format arrow` writes).
    ArrowStream,
    /// Arrow IPC file (Feather v2).
    ArrowFile,
    /// A spreadsheet workbook (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`), read by
    /// `io::spreadsheet` when it is opened.
    Spreadsheet,
}

impl FileFormat {
    pub fn from_extension(path: &Path) -> Option<FileFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "txt" => FileFormat::Delimited,
            "tsv" | "tab" => FileFormat::Tsv,
            "parquet" | "pq" => FileFormat::Parquet,
            "json" => FileFormat::Json,
            "ndjson" | "jsonl" => FileFormat::Ndjson,
            "arrows" => FileFormat::ArrowStream,
            "arrow" | "ipc" | "feather" => FileFormat::ArrowFile,
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => FileFormat::Spreadsheet,
            _ => return None,
        })
    }

    /// Reads the format from the first bytes: Parquet, Arrow and spreadsheet magic numbers,
    /// `{` or `[` for JSON, otherwise delimited text.
    pub fn from_content(head: &[u8]) -> FileFormat {
        if head.starts_with(b"PAR1") {
            return FileFormat::Parquet;
        }
        if head.starts_with(b"ARROW1") {
            return FileFormat::ArrowFile;
        }
        // A zip archive, as `.xlsx` and `.ods` are, or an OLE document, as `.xls` is.
        if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
            return FileFormat::Spreadsheet;
        }
        // An IPC stream message starts with the continuation marker 0xFFFFFFFF.
        if head.starts_with(&[0xff, 0xff, 0xff, 0xff]) {
            return FileFormat::ArrowStream;
        }
        let text = strip_bom(head);
        let first = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &text[i..]);
        match first {
            Some([b'[', ..]) => FileFormat::Json,
            Some([b'{', ..]) => {
                // One record per line, or one pretty-printed object spanning lines.
                let line_end = first.unwrap().iter().position(|&b| b == b'\n');
                match line_end {
                    Some(end) if first.unwrap()[..end].trim_ascii_end().ends_with(b"}") => FileFormat::Ndjson,
                    None => FileFormat::Ndjson,
                    _ => FileFormat::Json,
                }
            }
            _ => FileFormat::Delimited,
        }
    }

    pub fn is_text(self) -> bool {
        matches!(
            self,
            FileFormat::Delimited | FileFormat::Tsv | FileFormat::Json | FileFormat::Ndjson
        )
    }
}

pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// Reads up to `limit` bytes from the start of a file.
pub fn read_head(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut head = Vec::with_capacity(limit.min(1 << 20));
    file.by_ref().take(limit as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// A text file holds no NUL bytes; a file that does and carries no known magic is binary.
pub fn looks_binary(head: &[u8]) -> bool {
    head.contains(&0)
}

/// Picks the delimiter among `, ; TAB |` that splits the first lines into the same number
/// of fields, preferring more fields, and comma on a tie. Quoted text is skipped.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let lines = split_records(strip_bom(head), 30);
    let mut best = (b',', 0usize, false);
    for &candidate in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_unquoted(l, candidate)).collect();
        let Some(&first) = counts.first() else { continue };
        if first == 0 {
            continue;
        }
        let consistent = counts.iter().all(|&c| c == first);
        let better = match (consistent, best.2) {
            (true, false) => true,
            (false, true) => false,
            _ => first > best.1,
        };
        if better {
            best = (candidate, first, consistent);
        }
    }
    best.0
}

/// Splits the head into at most `max` complete records, honouring quotes (a quoted field may
/// hold newlines). The last, possibly cut, record is left out when more than one was found.
fn split_records(text: &[u8], max: usize) -> Vec<&[u8]> {
    let mut records = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                let record = &text[start..i];
                if !record.trim_ascii().is_empty() {
                    records.push(record);
                }
                start = i + 1;
                if records.len() == max {
                    return records;
                }
            }
            _ => {}
        }
    }
    if records.is_empty() && start < text.len() {
        records.push(&text[start..]);
    }
    records
}

fn count_unquoted(line: &[u8], delimiter: u8) -> usize {
    let mut in_quotes = false;
    let mut count = 0;
    for &b in line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == delimiter && !in_quotes {
            count += 1;
        }
    }
    count
}

/// Where a byte sequence stops being UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf8Problem {
    pub byte_offset: u64,
    /// 1-based line of the offending byte.
    pub line: u64,
    pub byte: u8,
}

/// Streams through a file and reports the first byte that is not valid UTF-8.
pub fn find_invalid_utf8(path: &Path) -> std::io::Result<Option<Utf8Problem>> {
    let mut file = std::fs::File::open(path)?;
    let mut buffer = vec![0u8; 8 << 20];
    let mut carried = 0usize; // bytes of an incomplete character kept from the last chunk
    let mut offset = 0u64; // file offset of buffer[0]
    let mut lines_before = 0u64;
    loop {
        let read = file.read(&mut buffer[carried..])?;
        let filled = carried + read;
        if filled == 0 {
            return Ok(None);
        }
        let chunk = &buffer[..filled];
        match std::str::from_utf8(chunk) {
            Ok(_) => {
                if read == 0 {
                    return Ok(None);
                }
                lines_before += bytecount_newlines(chunk);
                offset += filled as u64;
                carried = 0;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                let truncated_at_end = e.error_len().is_none() && read != 0;
                if !truncated_at_end {
                    return Ok(Some(Utf8Problem {
                        byte_offset: offset + valid as u64,
                        line: lines_before + bytecount_newlines(&chunk[..valid]) + 1,
                        byte: chunk[valid],
                    }));
                }
                lines_before += bytecount_newlines(&chunk[..valid]);
                offset += valid as u64;
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
        }
    }
}

/// The first byte that is not UTF-8 in the first bytes of a file; a character cut off by the
/// end of the slice is not a problem.
pub fn invalid_utf8_in(head: &[u8]) -> Option<Utf8Problem> {
    match std::str::from_utf8(head) {
        Ok(_) => None,
        Err(e) if e.error_len().is_none() => None,
        Err(e) => {
            let valid = e.valid_up_to();
            Some(Utf8Problem {
                byte_offset: valid as u64,
                line: bytecount_newlines(&head[..valid]) + 1,
                byte: head[valid],
            })
        }
    }
}

fn bytecount_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_content() {
        assert_eq!(FileFormat::from_content(b"PAR1\x15\x04"), FileFormat::Parquet);
        assert_eq!(FileFormat::from_content(b"ARROW1\0\0"), FileFormat::ArrowFile);
        assert_eq!(
            FileFormat::from_content(&[0xff, 0xff, 0xff, 0xff, 1]),
            FileFormat::ArrowStream
        );
        assert_eq!(FileFormat::from_content(b"  [{\"a\":1}]"), FileFormat::Json);
        assert_eq!(
            FileFormat::from_content(b"{\"a\":1}\n{\"a\":2}\n"),
            FileFormat::Ndjson
        );
        assert_eq!(FileFormat::from_content(b"{\n  \"a\": 1\n}"), FileFormat::Json);
        assert_eq!(
            FileFormat::from_content(b"\xef\xbb\xbfa,b\n1,2\n"),
            FileFormat::Delimited
        );
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
        // Commas inside quotes do not count.
        assert_eq!(sniff_delimiter(b"a;b\n\"x, y, z\";2\n"), b';');
        // A quoted field spanning lines is one record.
        assert_eq!(sniff_delimiter(b"a,b\n\"line\none\",2\n3,4\n"), b',');
        assert_eq!(sniff_delimiter(b"single\n1\n"), b',');
    }

    #[test]
    fn invalid_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.csv");
        std::fs::write(&path, b"name,city\nA,Z\xfcrich\n").unwrap();
        let problem = find_invalid_utf8(&path).unwrap().unwrap();
        assert_eq!(
            problem,
            Utf8Problem {
                byte_offset: 13,
                line: 2,
                byte: 0xfc
            }
        );
        std::fs::write(&path, "name\nZürich\n").unwrap();
        assert_eq!(find_invalid_utf8(&path).unwrap(), None);
        assert_eq!(invalid_utf8_in("caf\u{e9}".as_bytes()), None);
        // A character cut in two by the end of the head is not an error.
        assert_eq!(invalid_utf8_in(&"caf\u{e9}".as_bytes()[..4]), None);
        assert_eq!(
            invalid_utf8_in(b"a,b\ncaf\xe9,1\n"),
            Some(Utf8Problem {
                byte_offset: 7,
                line: 2,
                byte: 0xe9
            })
        );
    }
}
