//! JUnit XML, as GitLab, GitHub test-report actions and Jenkins read it: one `<testsuite>` per
//! collection run, one `<testcase>` per request (`classname` = folder path), `<failure>` with
//! every failed assertion's expected and actual, `<skipped/>`, `<error>` for requests that could
//! not be completed or built; times in seconds. It validates against Jenkins' junit-10.xsd
//! (so `file` is on `<testsuite>` only).

use std::fmt::Write as _;

use crate::event::Status;
use crate::report::collect::{Collected, Format, classname, failure_summary, failure_text};

/// The JUnit format.
pub struct Junit;

impl Format for Junit {
    fn name(&self) -> &'static str {
        "junit"
    }

    fn render(&self, c: &Collected) -> String {
        let total = c.total();
        let tests: usize = c.suites.iter().map(|s| s.results.len()).sum();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"runner\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
            total.failed,
            total.errors + total.invalid,
            total.duration.as_secs_f64()
        );
        for s in &c.suites {
            let name = if s.id.iteration > 0 {
                format!("{} [{}]", s.id.collection, s.id.iteration)
            } else {
                s.id.collection.clone()
            };
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" file=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
                esc(&name),
                esc(&s.id.file),
                s.results.len(),
                s.summary.failed,
                s.summary.errors + s.summary.invalid,
                s.summary.skipped,
                s.summary.duration.as_secs_f64()
            );
            for r in &s.results {
                let _ = write!(
                    out,
                    "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                    esc(&r.name),
                    esc(&classname(s, r)),
                    r.duration.as_secs_f64()
                );
                let body = match r.status {
                    Status::Passed => String::new(),
                    Status::Skipped => "      <skipped message=\"`when` is false\"/>\n".to_string(),
                    Status::Rendered => {
                        "      <skipped message=\"dry run: not sent\"/>\n".to_string()
                    }
                    Status::Failed => element("failure", "assertion", r),
                    Status::Error => element("error", "transport", r),
                    Status::Invalid => element("error", "invalid", r),
                };
                if body.is_empty() {
                    out.push_str("/>\n");
                } else {
                    let _ = write!(out, ">\n{body}    </testcase>\n");
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

fn element(tag: &str, kind: &str, r: &crate::event::RequestResult) -> String {
    format!(
        "      <{tag} message=\"{}\" type=\"{kind}\">{}</{tag}>\n",
        esc(&failure_summary(r)),
        esc(&failure_text(r))
    )
}

/// XML text and attribute escaping; characters XML 1.0 cannot carry are replaced.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
