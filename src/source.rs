//! Source files, positions and the one renderer for errors that point into a file.
//!
//! Every user-facing error about input carries a [`Diagnostic`]: a file, a [`Span`] and a
//! message. [`Diagnostic::render`] draws the `--> file:line:col` header, the offending line and
//! a caret under the span, in the shape rustc and Hurl users know.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file the user wrote, kept whole so errors can quote it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (relative paths stay relative, so messages are short).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// Wraps a path and its text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            path: path.into(),
            text: text.into(),
        })
    }

    /// The path for display.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// The directory includes and data files are resolved against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.text.lines().nth(line.checked_sub(1)?)
    }
}

/// A place in a source file: 1-based line and column (in characters) and a width in characters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// Width of the marked text on its first line (at least 1 when rendered).
    pub width: usize,
}

impl Span {
    /// A span of `width` characters at `line:col`.
    pub fn new(line: usize, col: usize, width: usize) -> Self {
        Self { line, col, width }
    }
}

/// A located problem in a user's file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// What is wrong, one line.
    pub message: String,
    /// The file it is in.
    pub file: Arc<SourceFile>,
    /// Where in the file.
    pub span: Span,
    /// Text shown next to the caret.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a message and a caret label.
    pub fn new(
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Self {
            message: message.into(),
            file: file.clone(),
            span,
            label: label.into(),
            help: None,
        }
    }

    /// Adds a hint on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file.name(), self.span.line, self.span.col)
    }

    /// Renders the message, location, the quoted line and a caret, without colour.
    pub fn render(&self) -> String {
        let mut out = format!("error: {}\n", self.message);
        // Errors at the end of input point past the last line: show the last line instead.
        let last = self.file.text.lines().count().max(1);
        let line_no = self.span.line.min(last);
        let col = if line_no < self.span.line {
            self.file.line(line_no).map_or(1, |l| l.chars().count() + 1)
        } else {
            self.span.col
        };
        let gutter = line_no.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}:{line_no}:{col}", self.file.name());
        if let Some(full) = self.file.line(line_no) {
            // Very long lines (minified or generated YAML) are shown as a window around the column.
            let (text, col) = window(full, col);
            let text = text.as_str();
            let line_len = text.chars().count();
            let col = col.max(1);
            let width = self
                .span
                .width
                .clamp(1, line_len.saturating_sub(col - 1).max(1));
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line_no:>gutter$} | {text}");
            let _ = writeln!(
                out,
                "{pad} | {}{} {}",
                " ".repeat(col - 1),
                "^".repeat(width),
                self.label
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// At most 120 characters of `line` around `col`, with `…` where it was cut; the new column.
fn window(line: &str, col: usize) -> (String, usize) {
    const WIDTH: usize = 120;
    let len = line.chars().count();
    if len <= WIDTH {
        return (line.to_string(), col);
    }
    let start = col.saturating_sub(WIDTH / 2).min(len.saturating_sub(WIDTH));
    let mut text: String = line.chars().skip(start).take(WIDTH).collect();
    let mut new_col = col - start;
    if start > 0 {
        text.insert(0, '…');
        new_col += 1;
    }
    if start + WIDTH < len {
        text.push('…');
    }
    (text, new_col.max(1))
}

/// The nearest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1) + 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance between two strings (in characters).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys_only() {
        assert_eq!(
            did_you_mean("statsu", &["status", "json", "headers"]),
            Some("status")
        );
        assert_eq!(did_you_mean("zzzzzz", &["status", "json"]), None);
    }

    #[test]
    fn renders_caret_under_span() {
        let f = SourceFile::new("a.yaml", "name: x\nexpect:\n  statsu: 200\n");
        let d = Diagnostic::new(&f, Span::new(3, 3, 6), "unknown key `statsu`", "here");
        let r = d.render();
        assert!(r.contains("--> a.yaml:3:3"), "{r}");
        assert!(r.contains("3 |   statsu: 200\n  |   ^^^^^^ here"), "{r}");
    }
}
