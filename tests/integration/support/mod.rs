//! Test helpers: the in-process server, the command builder, temp dirs, output filters.

pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use server::TestServer;

/// A fresh directory for one test's files.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "runner-it-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        name
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a file under `dir` and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

/// The built `runner` binary with a cleared environment, run from `dir`.
pub fn runner(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_runner"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .current_dir(dir);
    c
}

/// The outcome of a process.
#[derive(Debug)]
pub struct Output {
    /// Exit code.
    pub code: i32,
    /// Stdout, filtered.
    pub stdout: String,
    /// Stderr, filtered.
    pub stderr: String,
}

impl Output {
    /// Both streams and the code, for snapshots.
    pub fn all(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs a command and filters times and ports out of its output.
pub fn output(c: &mut Command) -> Output {
    let out = c.output().expect("runner binary runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: filter(&String::from_utf8_lossy(&out.stdout)),
        stderr: filter(&String::from_utf8_lossy(&out.stderr)),
    }
}

/// Normalises durations, loopback ports and dates.
pub fn filter(text: &str) -> String {
    let rules = [
        (r"\d+(\.\d+)? ms", "[TIME]"),
        (r" in \d+\.\d+s", " in [TIME]"),
        (r"127\.0\.0\.1:\d+", "[SERVER]"),
        (r"(?m)^(\s*< date: ).*$", "${1}[DATE]"),
    ];
    let mut out = text.to_string();
    for (pat, rep) in rules {
        out = regex::Regex::new(pat)
            .unwrap()
            .replace_all(&out, rep)
            .into_owned();
    }
    out
}
