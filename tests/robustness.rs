//! No input may make ckm panic: malformed exports of many shapes, each must end in a result
//! or a clear error (exit 0, 1 or 3), never a crash (Rust's panic exit code is 101).

mod common;

use common::{stderr_of, Workdir};

/// Deterministic pseudo-random bytes that look like a damaged CSV export.
fn damaged_export(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pieces: &[&[u8]] = &[
        b"customer_id",
        b"ts",
        b"amount",
        b"Qty",
        b"Price",
        b"Order Date",
        b",",
        b";",
        b"\t",
        b"|",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"2024-01-02",
        b"13/45/2024",
        b"1/2/2024 10:00",
        b"-1",
        b"0",
        b"1e400",
        b"NaN",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xe9",
        b"\0",
        b"   ",
        b"C12345",
        b"17850.0",
        b"{",
        b"[",
        b"PAR1",
        b"ARROW1",
        b"\xff\xff\xff\xff",
        b"x",
    ];
    // Plausible values per column, and damaged ones that may land anywhere.
    let columns: [&[&[u8]]; 3] = [
        &[b"c1", b"17850.0", b" 42 ", b"C-9"],
        &[
            b"2024-01-02 10:00",
            b"2024-01-03 11:30",
            b"2031-05-06 00:00",
            b"1969-12-31 23:59",
        ],
        &[b"12.5", b"-3", b"0", b"$4.20", b"\"1,234.5\""],
    ];
    let damaged: &[&[u8]] = &[
        b"",
        b"13/45/2024",
        b"two",
        b"\"a,b\"",
        b"\"open",
        b"1e400",
        b"NaN",
        b"x,y",
    ];
    let mut out = Vec::new();
    if next() % 4 != 0 {
        out.extend_from_slice(b"customer_id,ts,amount\n");
        for _ in 0..1 + next() % 8 {
            for (field, choices) in columns.iter().enumerate() {
                if field > 0 {
                    out.push(b',');
                }
                let value = if next() % 6 == 0 {
                    damaged[(next() % damaged.len() as u64) as usize]
                } else {
                    choices[(next() % choices.len() as u64) as usize]
                };
                out.extend_from_slice(value);
            }
            out.push(b'\n');
        }
    }
    for _ in 0..(next() % 3 == 0) as u64 * (next() % 12) {
        out.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
    }
    out
}

#[test]
fn damaged_exports_never_panic() {
    let wd = Workdir::new();
    for seed in 0..80u64 {
        let bytes = damaged_export(seed);
        wd.write("in.csv", &bytes);
        for command in ["ingest", "clean"] {
            let output = wd.run(&[command, "in.csv", "-q"]);
            let code = output.status.code();
            assert!(
                matches!(code, Some(0 | 1 | 3)) && !stderr_of(&output).contains("panicked"),
                "seed {seed}, {command}: exit {code:?}\ninput: {:?}\nstderr: {}",
                String::from_utf8_lossy(&bytes),
                stderr_of(&output)
            );
        }
        // The same bytes on stdin, where the format is sniffed from the content.
        let output = wd
            .ckm()
            .args(["ingest", "-", "-q"])
            .write_stdin(bytes.clone())
            .output()
            .unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 1 | 3)),
            "seed {seed} on stdin: {:?} {}",
            output.status.code(),
            stderr_of(&output)
        );
    }
}
