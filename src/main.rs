//! The `runner` binary: parse the command line, build the runtime, call the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = runner::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(runner::error::EXIT_INVALID);
        }
    };
    ExitCode::from(runtime.block_on(runner::main(cli)))
}
