//! `--print curl`: each request as a runnable curl command on stdout.

use std::io::Write;

use crate::event::Event;
use crate::report::Reporter;

/// Prints curl commands.
pub struct Curl<W: Write> {
    out: W,
}

impl<W: Write> Curl<W> {
    /// To a writer.
    pub fn new(out: W) -> Self {
        Self { out }
    }
}

impl<W: Write> Reporter for Curl<W> {
    fn report(&mut self, event: &Event) {
        if let Event::RequestFinished { result, .. } = event
            && let Some(q) = &result.request
        {
            let mut cmd = format!("curl -X {} {}", q.method, quote(&q.url));
            for (k, v) in &q.headers {
                cmd.push_str(&format!(" \\\n  -H {}", quote(&format!("{k}: {v}"))));
            }
            if let Some(b) = &q.body {
                cmd.push_str(&format!(" \\\n  --data-raw {}", quote(b)));
            }
            let _ = writeln!(self.out, "# {}\n{cmd}", result.name);
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// POSIX shell single-quoting.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
