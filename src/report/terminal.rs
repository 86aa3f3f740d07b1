//! The human report: a line per request, failures expanded under it, a closing summary.
//! Colour only on a terminal, and never with `NO_COLOR`.

use std::io::Write;
use std::time::Duration;

use crate::event::{AssertionResult, Event, RequestResult, Status, Summary};
use crate::report::Reporter;

/// Writes the human report to a writer (stdout in the binary, a buffer in tests).
pub struct Terminal<W: Write> {
    out: W,
    colour: bool,
    verbose: bool,
    flush_lines: bool,
    runs: usize,
    total: Summary,
    /// Requests in the current run, for the live progress line.
    planned: usize,
    progress_shown: bool,
    /// When output was last flushed.
    last_flush: std::time::Instant,
}

impl<W: Write> Terminal<W> {
    /// A terminal reporter. `live` flushes every line (for a person watching).
    pub fn new(out: W, colour: bool, verbose: bool, live: bool) -> Self {
        Self {
            out,
            colour,
            verbose,
            flush_lines: live,
            runs: 0,
            total: Summary::default(),
            planned: 0,
            progress_shown: false,
            last_flush: std::time::Instant::now(),
        }
    }

    /// Gives the writer back (tests).
    pub fn into_inner(self) -> W {
        self.out
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn request(&mut self, r: &RequestResult) -> std::io::Result<()> {
        let (mark, code) = match r.status {
            Status::Passed => ("✓", "32"),
            Status::Failed => ("✗", "31"),
            Status::Skipped => ("-", "33"),
            Status::Error | Status::Invalid => ("!", "31;1"),
            Status::Rendered => ("~", "36"),
        };
        let mut path = r.folder.join(" / ");
        if !path.is_empty() {
            path.push_str(" / ");
        }
        path.push_str(&r.name);
        let mark = self.paint(code, mark);
        let line = match (&r.request, &r.response) {
            (Some(req), Some(resp)) => format!(
                "  {mark} {path}  {} {}  {}  {}{}",
                req.method,
                url_path(&req.url),
                resp.status,
                ms(r.duration),
                if r.retries > 0 {
                    format!("  (retried {}× after 429)", r.retries)
                } else {
                    String::new()
                }
            ),
            (Some(req), None) if r.status == Status::Rendered => {
                format!(
                    "  {mark} {path}  {} {}  {}",
                    req.method,
                    url_path(&req.url),
                    self.paint("2", "(not sent)")
                )
            }
            (Some(req), None) => format!("  {mark} {path}  {} {}", req.method, url_path(&req.url)),
            _ if r.status == Status::Skipped => format!(
                "  {mark} {path}  {}",
                self.paint("2", "skipped (`when` is false)")
            ),
            _ => format!("  {mark} {path}"),
        };
        writeln!(self.out, "{line}")?;
        for m in &r.messages {
            let label = match r.status {
                Status::Error => "error",
                Status::Invalid => "invalid",
                Status::Rendered | Status::Passed => "note",
                _ => "failed",
            };
            writeln!(
                self.out,
                "      {} {}",
                self.paint("31", &format!("{label}:")),
                m.text
            )?;
            if let Some(ex) = &m.excerpt {
                for l in ex.lines().skip(1) {
                    writeln!(self.out, "      {l}")?;
                }
            } else if let Some(loc) = &m.location {
                writeln!(self.out, "        at {loc}")?;
            }
        }
        for a in r.assertions.iter().filter(|a| !a.passed) {
            self.assertion(a)?;
        }
        if self.verbose || r.status == Status::Rendered {
            self.exchange(r)?;
        }
        // On a pipe (CI logs), lines stream as requests finish; only sub-millisecond requests
        // (local benchmarks) are batched, and never for more than 100 ms.
        let slow = r.duration >= Duration::from_millis(1) || r.response.is_none();
        if self.flush_lines || slow || self.last_flush.elapsed() >= Duration::from_millis(100) {
            self.out.flush()?;
            self.last_flush = std::time::Instant::now();
        }
        Ok(())
    }

    fn assertion(&mut self, a: &AssertionResult) -> std::io::Result<()> {
        let head = format!("{} {}", a.target, a.op);
        writeln!(
            self.out,
            "      {} {}: {}",
            self.paint("31", "✗"),
            head,
            a.message.as_deref().unwrap_or("failed")
        )?;
        writeln!(self.out, "        at {}", a.location)?;
        if let Some(diff) = &a.diff {
            writeln!(
                self.out,
                "        {} {}",
                self.paint("31", "- expected"),
                self.paint("32", "+ actual")
            )?;
            for l in diff.lines() {
                let code = match l.chars().next() {
                    Some('-') => "31",
                    Some('+') => "32",
                    _ => "2",
                };
                writeln!(self.out, "        {}", self.paint(code, l))?;
            }
        }
        Ok(())
    }

    fn exchange(&mut self, r: &RequestResult) -> std::io::Result<()> {
        if let Some(req) = &r.request {
            writeln!(self.out, "      > {} {}", req.method, req.url)?;
            for (k, v) in &req.headers {
                writeln!(self.out, "      > {k}: {v}")?;
            }
            if let Some(b) = req.body.as_deref().filter(|b| !b.is_empty()) {
                for l in b.lines() {
                    writeln!(self.out, "      > {l}")?;
                }
            }
        }
        if let Some(resp) = &r.response {
            writeln!(self.out, "      < {}", resp.status)?;
            for (k, v) in &resp.headers {
                writeln!(self.out, "      < {k}: {v}")?;
            }
            if let Some(b) = resp.body.as_deref().filter(|b| !b.is_empty()) {
                for l in b.lines() {
                    writeln!(self.out, "      < {l}")?;
                }
            }
        }
        Ok(())
    }

    fn summary(&mut self, s: &Summary) -> std::io::Result<()> {
        let mut parts = vec![
            self.paint(
                if s.passed > 0 { "32" } else { "0" },
                &format!("{} passed", s.passed),
            ),
            self.paint(
                if s.failed > 0 { "31" } else { "0" },
                &format!("{} failed", s.failed),
            ),
            format!("{} skipped", s.skipped),
        ];
        if s.errors > 0 {
            parts.push(self.paint(
                "31;1",
                &format!("{} error{}", s.errors, if s.errors == 1 { "" } else { "s" }),
            ));
        }
        if s.invalid > 0 {
            parts.push(self.paint("31;1", &format!("{} invalid", s.invalid)));
        }
        if s.rendered > 0 {
            parts.push(format!("{} rendered, not sent (dry run)", s.rendered));
        }
        writeln!(self.out, "{} in {}", parts.join(", "), secs(s.duration))
    }

    fn clear_progress(&mut self) -> std::io::Result<()> {
        if self.progress_shown {
            write!(self.out, "\r\x1b[2K")?;
            self.progress_shown = false;
        }
        Ok(())
    }

    fn handle(&mut self, event: &Event) -> std::io::Result<()> {
        match event {
            Event::RunStarted { id, total } => {
                self.planned = *total;
                if self.runs > 0 {
                    writeln!(self.out)?;
                }
                self.runs += 1;
                let title = self.paint("1", &id.collection);
                writeln!(self.out, "{title} ({})", id.file)?;
            }
            Event::RequestStarted { index, path, .. } => {
                // On a terminal: one live line that the next output line replaces.
                if self.flush_lines {
                    write!(
                        self.out,
                        "\r\x1b[2K{}",
                        self.paint("2", &format!("[{}/{}] {path}", index + 1, self.planned))
                    )?;
                    self.out.flush()?;
                    self.progress_shown = true;
                }
            }
            Event::RequestFinished { result, .. } => {
                self.clear_progress()?;
                self.request(result)?;
            }
            Event::RunFinished { summary, .. } => {
                self.clear_progress()?;
                self.total.add(summary);
                self.summary(summary)?;
                self.out.flush()?;
            }
        }
        Ok(())
    }
}

impl<W: Write> Reporter for Terminal<W> {
    fn report(&mut self, event: &Event) {
        // A closed stdout (`runner … | head`) must not stop the run or panic.
        let _ = self.handle(event);
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if self.runs > 1 {
            let total = self.total;
            write!(self.out, "\nall {} collections: ", self.runs)?;
            self.summary(&total)?;
        }
        self.out.flush()
    }
}

/// Path and query of a URL for display (no parsing: this runs for every request).
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}
