//! `ckm generate-docs` (hidden): man pages and shell completions from the clap definitions,
//! so they cannot drift from the real flags. A test regenerates them and compares.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

pub fn run(args: crate::cli::GenerateDocsArgs) -> Result<()> {
    generate(&args.out_dir)
}

pub fn generate(out_dir: &Path) -> Result<()> {
    let man_dir = out_dir.join("man");
    let completions_dir = out_dir.join("completions");
    std::fs::create_dir_all(&man_dir).with_context(|| format!("creating {}", man_dir.display()))?;
    std::fs::create_dir_all(&completions_dir)
        .with_context(|| format!("creating {}", completions_dir.display()))?;

    let command = Cli::command();
    write_man(&command, "ckm", &man_dir)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("ckm-{}", sub.get_name());
        let sub = sub.clone().name(name.clone()).version(env!("CARGO_PKG_VERSION"));
        write_man(&sub, &name, &man_dir)?;
    }
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut command = Cli::command();
        clap_complete::generate_to(shell, &mut command, "ckm", &completions_dir)
            .with_context(|| format!("writing {shell} completions"))?;
    }
    Ok(())
}

fn write_man(command: &clap::Command, name: &str, dir: &Path) -> Result<()> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut buffer)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, buffer).with_context(|| format!("writing {}", path.display()))
}
