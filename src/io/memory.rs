//! How much memory a run may hold: `--memory-limit` as a size or a share of the machine's
//! memory, where the machine is what the process may use (a container's cgroup limit when it
//! is smaller than the physical memory).

use crate::error::CkmError;

/// The share of the machine's memory a run may hold by default: room for the page cache and
/// for another job beside it.
pub const DEFAULT_SHARE_PERCENT: u64 = 50;

/// Bytes of memory available to this process: the physical memory, or the cgroup's limit when
/// that is lower. `None` when neither can be read.
pub fn machine_bytes() -> Option<u64> {
    let physical = physical_bytes();
    let cgroup = cgroup_limit_bytes();
    match (physical, cgroup) {
        (Some(p), Some(c)) => Some(p.min(c)),
        (p, c) => p.or(c),
    }
}

#[cfg(unix)]
fn physical_bytes() -> Option<u64> {
    // SAFETY: sysconf only reads system configuration values.
    let (pages, page_size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    (pages > 0 && page_size > 0).then(|| pages as u64 * page_size as u64)
}

#[cfg(not(unix))]
fn physical_bytes() -> Option<u64> {
    None
}

/// cgroup v2's `memory.max` (or v1's `memory.limit_in_bytes`) of this process, when set.
fn cgroup_limit_bytes() -> Option<u64> {
    [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    .find_map(|path| std::fs::read_to_string(path).ok())
    .and_then(|text| text.trim().parse::<u64>().ok())
    // v1 reports "no limit" as a number near 2^63.
    .filter(|&bytes| bytes < 1 << 60)
}

/// The default limit: [`DEFAULT_SHARE_PERCENT`] of the machine's memory, or 4 GiB when the
/// machine's memory cannot be read.
pub fn default_limit() -> u64 {
    machine_bytes()
        .map(|bytes| bytes / 100 * DEFAULT_SHARE_PERCENT)
        .unwrap_or(4 << 30)
}

/// Parses a memory size: `8G`, `8GiB`, `512M`, `1.5g`, `2000000` (bytes) or `40%` (of the
/// machine's memory). Units are binary (1G = 1024^3 bytes), as `free` and `top` show memory.
pub fn parse_limit(text: &str) -> anyhow::Result<u64> {
    let invalid = || {
        CkmError::usage(format!(
            "--memory-limit '{text}': expected a size such as 8G, 512M or 40% (of this machine's memory)"
        ))
    };
    let trimmed = text.trim();
    if let Some(percent) = trimmed.strip_suffix('%') {
        let share: f64 = percent.trim().parse().map_err(|_| invalid())?;
        if !(share > 0.0 && share <= 100.0) {
            return Err(invalid());
        }
        let machine = machine_bytes().ok_or_else(|| {
            CkmError::usage(format!(
                "--memory-limit '{text}': this machine's memory cannot be read; give a size such as 8G"
            ))
        })?;
        return Ok((machine as f64 * share / 100.0) as u64);
    }
    let lower = trimmed.to_ascii_lowercase();
    let number_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(number_end);
    let value: f64 = number.parse().map_err(|_| invalid())?;
    let shift = match unit.trim() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(invalid()),
    };
    let bytes = value * (1u64 << shift) as f64;
    // Below a few megabytes no batch of rows fits: that is a typo, not a limit.
    if !(bytes.is_finite() && bytes >= (16 << 20) as f64) {
        return Err(CkmError::usage(format!(
            "--memory-limit '{text}': at least 16M is needed to hold a batch of rows"
        )));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_binary_and_case_blind() {
        assert_eq!(parse_limit("8G").unwrap(), 8 << 30);
        assert_eq!(parse_limit("8gib").unwrap(), 8 << 30);
        assert_eq!(parse_limit("512M").unwrap(), 512 << 20);
        assert_eq!(parse_limit("1.5g").unwrap(), 3 << 29);
        assert_eq!(parse_limit("20000000").unwrap(), 20_000_000);
    }

    #[test]
    fn nonsense_and_tiny_limits_are_refused() {
        for text in ["", "G", "8X", "-1G", "1K", "0%", "101%", "abc%"] {
            assert!(parse_limit(text).is_err(), "{text} was accepted");
        }
    }

    #[test]
    fn a_share_is_of_the_machine() {
        if let Some(machine) = machine_bytes() {
            let half = parse_limit("50%").unwrap();
            assert!(half.abs_diff(machine / 2) <= 1);
        }
    }
}
