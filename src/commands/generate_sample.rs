//! `ckm generate-sample` (hidden): writes `sample-data/` (see `io::sample_data`).

use anyhow::Result;

use crate::cli::GenerateSampleArgs;
use crate::io::sample_data;

pub fn run(args: GenerateSampleArgs) -> Result<()> {
    let (customers, lines) = sample_data::write_sample(&args.out_dir, args.customers, args.seed)?;
    eprintln!(
        "wrote {customers} customers and {lines} order lines to {}",
        args.out_dir.display()
    );
    Ok(())
}
