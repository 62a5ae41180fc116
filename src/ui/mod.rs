//! The explorer (ratatui). Until it lands, opening a folder prints its summary.

use crate::app::{Failure, load};
use crate::cli::OpenArgs;
use crate::ingest::build::Options;
use crate::report::summary::Summary;

pub fn run(args: OpenArgs, opts: Options) -> Result<(), Failure> {
    let index = load(&args.paths, opts)?;
    let mut out = std::io::stdout().lock();
    Summary::of(&index, opts.zone).write_text(&mut out, &index, opts.zone)?;
    Ok(())
}
