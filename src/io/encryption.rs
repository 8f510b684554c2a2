//! Encrypted files, in the age format (<https://age-encryption.org/v1>): with `--encrypt-to`
//! every file a run writes (tables, rejects, models, manifests, the report) is encrypted to
//! the recipients as it is written ([`crate::io::write::write_atomically`]); inputs ending in
//! `.age` are decrypted with `--identity` into memory. While either is in force no plaintext
//! of the data touches the disk: temporary copies of inputs are made in memory
//! ([`temporary_file`]) and spilled rows are encrypted to a key that lives only in the run.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use age::x25519;
use anyhow::{Context, Result};

use crate::error::CkmError;

/// The recipients every output is encrypted to (`--encrypt-to`).
pub struct OutputKeys {
    recipients: Vec<x25519::Recipient>,
}

/// The identities `.age` inputs are decrypted with (`--identity`).
pub struct InputKeys {
    path: String,
    identities: Vec<x25519::Identity>,
}

static OUTPUTS: OnceLock<OutputKeys> = OnceLock::new();
static INPUTS: OnceLock<InputKeys> = OnceLock::new();
/// A key for the run's own temporary files, made when first needed and never written down.
static RUN_KEY: OnceLock<x25519::Identity> = OnceLock::new();

/// The header every age file starts with.
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// `--encrypt-to` values: an age X25519 recipient (`age1...`), or a file of them, one per
/// line (`#` comments and blank lines allowed, as `age -R` reads).
pub fn output_keys(values: &[String]) -> Result<OutputKeys> {
    let mut recipients = Vec::new();
    for value in values {
        if value.starts_with("age1") {
            recipients.push(
                value.parse::<x25519::Recipient>().map_err(|e| {
                    CkmError::usage(format!("--encrypt-to {value}: not an age recipient ({e})"))
                })?,
            );
            continue;
        }
        let text = std::fs::read_to_string(value).map_err(|e| {
            CkmError::usage(format!(
                "--encrypt-to {value}: neither an age recipient (age1...) nor a readable recipients file ({e})"
            ))
        })?;
        let before = recipients.len();
        for (n, line) in key_lines(&text) {
            recipients.push(line.parse::<x25519::Recipient>().map_err(|e| {
                CkmError::usage(format!(
                    "--encrypt-to {value}: line {n}: not an age X25519 recipient ({e})"
                ))
            })?);
        }
        if recipients.len() == before {
            return Err(CkmError::usage(format!(
                "--encrypt-to {value}: the file names no recipient"
            )));
        }
    }
    Ok(OutputKeys { recipients })
}

/// The keys of a recipients or identity file, with their line numbers (from 1): its lines
/// but blank ones and `#` comments, as age reads them.
fn key_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(n, line)| (n + 1, line))
}

/// `--identity FILE`: an age identity file (`age-keygen`'s output: `AGE-SECRET-KEY-1...`
/// lines, `#` comments).
pub fn input_keys(path: &Path) -> Result<InputKeys> {
    let display = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| CkmError::usage(format!("--identity {display}: {e}")))?;
    let mut identities = Vec::new();
    for (n, line) in key_lines(&text) {
        identities.push(line.parse::<x25519::Identity>().map_err(|e| {
            CkmError::usage(format!(
                "--identity {display}: line {n}: not an age X25519 identity ({e})"
            ))
        })?);
    }
    if identities.is_empty() {
        return Err(CkmError::usage(format!(
            "--identity {display}: the file holds no identity"
        )));
    }
    Ok(InputKeys {
        path: display,
        identities,
    })
}

pub fn activate_outputs(keys: OutputKeys) {
    if OUTPUTS.set(keys).is_err() {
        panic!("output keys are set once, at start");
    }
}

pub fn activate_inputs(keys: InputKeys) {
    if INPUTS.set(keys).is_err() {
        panic!("input keys are set once, at start");
    }
}

/// Whether outputs are encrypted (`--encrypt-to`).
pub fn outputs_encrypted() -> bool {
    OUTPUTS.get().is_some()
}

/// Whether plaintext must stay off the disk: outputs are encrypted, or inputs can be.
pub fn plaintext_in_memory_only() -> bool {
    OUTPUTS.get().is_some() || INPUTS.get().is_some()
}

/// Writes through `write` into `sink`, encrypted to the output recipients when there are
/// any.
pub fn write_to(sink: &mut dyn Write, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match OUTPUTS.get() {
        None => write(sink),
        Some(keys) => {
            let encryptor =
                age::Encryptor::with_recipients(keys.recipients.iter().map(|r| r as &dyn age::Recipient))
                    .map_err(|e| anyhow::anyhow!("encrypting: {e}"))?;
            let mut encrypting = encryptor.wrap_output(sink)?;
            write(&mut encrypting)?;
            encrypting.finish()?;
            Ok(())
        }
    }
}

/// Whether `path` is an age file (by its name, or its first bytes).
pub fn is_age_file(path: &Path, head: &[u8]) -> bool {
    path.extension().is_some_and(|e| e == "age") || head.starts_with(AGE_MAGIC)
}

/// The name of what an age file holds: `orders.csv.age` holds `orders.csv`.
pub fn inner_path(path: &Path) -> PathBuf {
    match path.extension() {
        Some(e) if e == "age" => path.with_extension(""),
        _ => path.to_path_buf(),
    }
}

/// Decrypts `path` into a file in memory. A wrong identity or a damaged or tampered file is
/// an error naming the file (exit code 3), and nothing of it is kept.
pub fn decrypt_input(path: &Path, display: &str) -> Result<TemporaryFile> {
    let keys = INPUTS.get().ok_or_else(|| {
        CkmError::usage(format!(
            "{display} is encrypted (age): give the identity to decrypt it with --identity FILE or CKM_IDENTITY"
        ))
    })?;
    let file = File::open(path).with_context(|| format!("opening {display}"))?;
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::with_capacity(1 << 16, file))
        .map_err(|e| CkmError::invalid(format!("{display}: not a readable age file ({e})")))?;
    let mut reader = decryptor
        .decrypt(keys.identities.iter().map(|i| i as &dyn age::Identity))
        .map_err(|e| {
            CkmError::invalid(format!(
                "{display}: cannot be decrypted with --identity {} ({e})",
                keys.path
            ))
        })?;
    let mut plain = temporary_file("ckm-decrypted-")?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, plain.file());
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buffer).map_err(|e| {
            CkmError::invalid(format!(
                "{display}: the encrypted data is damaged or was changed ({e}); get an intact copy"
            ))
        })?;
        if n == 0 {
            break;
        }
        writer.write_all(&buffer[..n])?;
    }
    writer.flush()?;
    drop(writer);
    Ok(plain)
}

/// A temporary file: on disk (removed when dropped) or, while plaintext must stay off the
/// disk, in memory (an anonymous memory file, freed when dropped), readable by path either
/// way.
#[derive(Debug)]
pub enum TemporaryFile {
    Disk(tempfile::NamedTempFile),
    Memory { file: File, path: PathBuf },
}

impl TemporaryFile {
    pub fn file(&mut self) -> &File {
        match self {
            TemporaryFile::Disk(f) => f.as_file(),
            TemporaryFile::Memory { file, .. } => file,
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            TemporaryFile::Disk(f) => f.path(),
            TemporaryFile::Memory { path, .. } => path,
        }
    }
}

/// A temporary file named after `prefix`, in memory when plaintext must stay off the disk.
pub fn temporary_file(prefix: &str) -> Result<TemporaryFile> {
    if plaintext_in_memory_only() {
        return memory_file(prefix);
    }
    Ok(TemporaryFile::Disk(
        tempfile::Builder::new()
            .prefix(prefix)
            .tempfile()
            .context("creating a temporary file")?,
    ))
}

#[cfg(target_os = "linux")]
fn memory_file(prefix: &str) -> Result<TemporaryFile> {
    use std::os::fd::FromRawFd;
    let name = std::ffi::CString::new(prefix).expect("a prefix without NUL");
    // SAFETY: memfd_create takes a NUL-terminated name and flags; it returns a new file
    // descriptor owned by nobody else, or -1.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error()).context("creating a file in memory for decrypted data");
    }
    // SAFETY: fd is a fresh, valid descriptor that this File now owns.
    let file = unsafe { File::from_raw_fd(fd) };
    Ok(TemporaryFile::Memory {
        file,
        path: PathBuf::from(format!("/proc/self/fd/{fd}")),
    })
}

#[cfg(not(target_os = "linux"))]
fn memory_file(_prefix: &str) -> Result<TemporaryFile> {
    Err(CkmError::usage("encrypted inputs and outputs need Linux's in-memory files here").into())
}

/// The run's own key for its temporary files: its recipient encrypts, its identity decrypts.
fn run_key() -> &'static x25519::Identity {
    RUN_KEY.get_or_init(x25519::Identity::generate)
}

/// A file the run writes for itself (spilled rows), encrypted to the run's own key as it is
/// written; the encryption is finished when the writer is dropped.
pub struct RunEncryptedWriter<W: Write> {
    inner: Option<age::stream::StreamWriter<W>>,
}

impl<W: Write> RunEncryptedWriter<W> {
    pub fn new(inner: W) -> Result<RunEncryptedWriter<W>> {
        let recipient = run_key().to_public();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| anyhow::anyhow!("encrypting a temporary file: {e}"))?;
        Ok(RunEncryptedWriter {
            inner: Some(encryptor.wrap_output(inner)?),
        })
    }
}

impl<W: Write> Write for RunEncryptedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.as_mut().expect("open until dropped").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.as_mut().expect("open until dropped").flush()
    }
}

impl<W: Write> Drop for RunEncryptedWriter<W> {
    fn drop(&mut self) {
        // An unfinished last chunk makes the file fail to decrypt when it is read back,
        // which is an error there: nothing is lost silently.
        if let Some(writer) = self.inner.take() {
            let _ = writer.finish().and_then(|mut w| w.flush());
        }
    }
}

/// Reads back a file written by [`RunEncryptedWriter`], into memory.
pub fn read_run_encrypted(path: &Path) -> Result<Vec<u8>> {
    let file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::new(file))
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(run_key() as &dyn age::Identity))
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_come_from_the_command_line_or_a_file() {
        let key = x25519::Identity::generate();
        let recipient = key.to_public().to_string();
        assert_eq!(
            output_keys(std::slice::from_ref(&recipient))
                .unwrap()
                .recipients
                .len(),
            1
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("recipients.txt");
        std::fs::write(&file, format!("# the finance team\n\n{recipient}\n{recipient}\n")).unwrap();
        let keys = output_keys(&[file.display().to_string()]).unwrap();
        assert_eq!(keys.recipients.len(), 2);
        std::fs::write(&file, "age1notakey\n").unwrap();
        let error = format!("{:#}", output_keys(&[file.display().to_string()]).err().unwrap());
        assert!(error.contains("line 1: not an age X25519 recipient"), "{error}");
        let error = format!("{:#}", output_keys(&["age1nope".into()]).err().unwrap());
        assert!(error.contains("not an age recipient"), "{error}");
    }

    #[test]
    fn the_runs_own_files_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spill");
        {
            let mut writer = RunEncryptedWriter::new(File::create(&path).unwrap()).unwrap();
            writer.write_all(&b"rows ".repeat(100_000)).unwrap();
        }
        assert!(std::fs::read(&path).unwrap().starts_with(AGE_MAGIC));
        assert_eq!(read_run_encrypted(&path).unwrap(), b"rows ".repeat(100_000));
    }

    #[test]
    fn a_memory_file_reads_back_by_path() {
        let mut file = memory_file("ckm-test-").unwrap();
        file.file().write_all(b"customer_id\nc1\n").unwrap();
        assert_eq!(std::fs::read(file.path()).unwrap(), b"customer_id\nc1\n");
    }
}
