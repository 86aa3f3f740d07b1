//! Reports written to a file at the end of a run (JUnit, JSON, HTML) keep the results here
//! while the run goes on, then render them once.

use std::io::Write;
use std::path::PathBuf;

use crate::event::{Event, RequestResult, RunId, Status, Summary};
use crate::report::Reporter;

/// One collection run's results.
#[derive(Debug, Clone)]
pub struct Suite {
    /// Which run.
    pub id: RunId,
    /// Every request's result, in order.
    pub results: Vec<RequestResult>,
    /// Its counts and time (set when the run finished).
    pub summary: Summary,
}

/// Every suite of an invocation.
#[derive(Debug, Default, Clone)]
pub struct Collected {
    /// In run order.
    pub suites: Vec<Suite>,
}

impl Collected {
    /// Takes one event.
    pub fn add(&mut self, e: &Event) {
        match e {
            Event::RunStarted { id, .. } => {
                self.suites.push(Suite {
                    id: id.clone(),
                    results: Vec::new(),
                    summary: Summary::default(),
                });
            }
            Event::RequestFinished { result, .. } => {
                if let Some(s) = self.suites.last_mut() {
                    s.results.push((**result).clone());
                }
            }
            Event::RunFinished { summary, .. } => {
                if let Some(s) = self.suites.last_mut() {
                    s.summary = *summary;
                }
            }
            Event::RequestStarted { .. } => {}
        }
    }

    /// All suites' counts together.
    pub fn total(&self) -> Summary {
        let mut t = Summary::default();
        for s in &self.suites {
            t.add(&s.summary);
        }
        t
    }
}

/// A file format for [`FileReport`].
pub trait Format {
    /// Its name on the command line (`junit`, `json`, `html`).
    fn name(&self) -> &'static str;
    /// The whole file.
    fn render(&self, c: &Collected) -> String;
}

/// Collects events and writes one file at the end.
pub struct FileReport {
    format: Box<dyn Format>,
    path: PathBuf,
    file: Option<std::fs::File>,
    collected: Collected,
}

impl FileReport {
    /// Opens (creates) the file now, so a bad path fails before anything is sent.
    pub fn create(format: Box<dyn Format>, path: PathBuf) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::File::create(&path)?;
        Ok(Self {
            format,
            path,
            file: Some(file),
            collected: Collected::default(),
        })
    }
}

impl Reporter for FileReport {
    fn report(&mut self, event: &Event) {
        self.collected.add(event);
    }

    fn finish(&mut self) -> std::io::Result<()> {
        let Some(mut file) = self.file.take() else {
            return Ok(());
        };
        file.write_all(self.format.render(&self.collected).as_bytes())?;
        file.flush()?;
        println!("{} report: {}", self.format.name(), self.path.display());
        Ok(())
    }
}

/// `Folder / Sub` or the collection name at the top level.
pub fn classname(suite: &Suite, r: &RequestResult) -> String {
    if r.folder.is_empty() {
        suite.id.collection.clone()
    } else {
        r.folder.join(" / ")
    }
}

/// A failed request's problems as text: messages, then each failed assertion with expected,
/// actual and diff.
pub fn failure_text(r: &RequestResult) -> String {
    let mut out = String::new();
    for m in &r.messages {
        out.push_str(&m.text);
        if let Some(l) = &m.location {
            out.push_str(&format!("\n  at {l}"));
        }
        out.push('\n');
    }
    for a in r.assertions.iter().filter(|a| !a.passed) {
        out.push_str(&format!(
            "{} {}: {}\n  at {}\n",
            a.target,
            a.op,
            a.message.as_deref().unwrap_or("failed"),
            a.location
        ));
        out.push_str(&format!("  expected: {}\n", a.expected));
        out.push_str(&format!(
            "  actual:   {}\n",
            a.actual
                .as_ref()
                .map_or("(absent)".to_string(), ToString::to_string)
        ));
        if let Some(d) = &a.diff {
            out.push_str("  diff (- expected, + actual):\n");
            for l in d.lines() {
                out.push_str(&format!("    {l}\n"));
            }
        }
    }
    out
}

/// A one-line summary of why a request did not pass.
pub fn failure_summary(r: &RequestResult) -> String {
    let first = r
        .messages
        .first()
        .map(|m| m.text.clone())
        .or_else(|| {
            r.assertions.iter().find(|a| !a.passed).map(|a| {
                format!(
                    "{} {}: {}",
                    a.target,
                    a.op,
                    a.message.as_deref().unwrap_or("failed")
                )
            })
        })
        .unwrap_or_else(|| match r.status {
            Status::Skipped => "skipped (`when` is false)".into(),
            _ => "failed".into(),
        });
    let n = r.assertions.iter().filter(|a| !a.passed).count() + r.messages.len();
    if n > 1 {
        format!("{first} (and {} more)", n - 1)
    } else {
        first
    }
}
