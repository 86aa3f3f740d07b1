//! A small YAML writer for generated collections: block style, deterministic, with comments.
//! (serde_yaml cannot write comments, and untranslated Postman scripts are kept as comments.)

use serde_json::Value;

/// A YAML value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    /// A scalar, written as JSON would hold it.
    Scalar(Value),
    /// A list.
    Seq(Vec<Y>),
    /// A mapping, in order.
    Map(Vec<Entry>),
}

/// One mapping entry, with comment lines written above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Comment lines (without `# `).
    pub comments: Vec<String>,
    /// Key.
    pub key: String,
    /// Value.
    pub value: Y,
}

impl Y {
    /// A string scalar.
    pub fn s(s: impl Into<String>) -> Y {
        Y::Scalar(Value::String(s.into()))
    }
}

/// Builds a mapping.
#[derive(Debug, Default, Clone)]
pub struct MapBuilder(pub Vec<Entry>);

impl MapBuilder {
    /// Adds an entry.
    pub fn put(&mut self, key: impl Into<String>, value: Y) -> &mut Self {
        self.0.push(Entry {
            comments: Vec::new(),
            key: key.into(),
            value,
        });
        self
    }

    /// Adds comment lines above the next entry added, or at the end.
    pub fn comment_next(&mut self, lines: Vec<String>) -> &mut Self {
        self.0.push(Entry {
            comments: lines,
            key: String::new(),
            value: Y::Scalar(Value::Null),
        });
        self
    }

    /// The mapping: pending comments are attached to the entry that follows them.
    pub fn build(self) -> Y {
        let mut out: Vec<Entry> = Vec::new();
        let mut pending: Vec<String> = Vec::new();
        for e in self.0 {
            if e.key.is_empty() {
                pending.extend(e.comments);
            } else {
                let mut e = e;
                let mut c = std::mem::take(&mut pending);
                c.append(&mut e.comments);
                e.comments = c;
                out.push(e);
            }
        }
        if !pending.is_empty() {
            out.push(Entry {
                comments: pending,
                key: String::new(),
                value: Y::Scalar(Value::Null),
            });
        }
        Y::Map(out)
    }
}

/// Writes a document.
pub fn to_string(y: &Y) -> String {
    let mut out = String::new();
    match y {
        Y::Map(entries) => map(&mut out, entries, 0),
        Y::Seq(items) => seq(&mut out, items, 0),
        Y::Scalar(v) => {
            out.push_str(&scalar(v, 0));
            out.push('\n');
        }
    }
    out
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn map(out: &mut String, entries: &[Entry], indent: usize) {
    for e in entries {
        entry(out, e, indent, Some(indent));
    }
}

/// Writes one entry; `first_line_indent` is None when the caller already wrote the indent
/// (the first entry of a list item, after `- `).
fn entry(out: &mut String, e: &Entry, indent: usize, first_line_indent: Option<usize>) {
    let mut lead = first_line_indent.map(pad);
    for c in &e.comments {
        let p = lead.take().unwrap_or_default();
        out.push_str(&format!("{p}# {c}\n"));
        lead = Some(pad(indent));
    }
    if e.key.is_empty() {
        return;
    }
    out.push_str(&lead.unwrap_or_default());
    out.push_str(&key(&e.key));
    out.push(':');
    value(out, &e.value, indent);
}

/// Writes a value after `key:` (or `-`).
fn value(out: &mut String, v: &Y, indent: usize) {
    match v {
        Y::Map(m) if m.iter().any(|e| !e.key.is_empty()) => {
            out.push('\n');
            map(out, m, indent + 2);
        }
        Y::Map(_) => out.push_str(" {}\n"),
        Y::Seq(items) if !items.is_empty() => {
            out.push('\n');
            seq(out, items, indent + 2);
        }
        Y::Seq(_) => out.push_str(" []\n"),
        Y::Scalar(s) => {
            out.push(' ');
            out.push_str(&scalar(s, indent + 2));
            out.push('\n');
        }
    }
}

fn seq(out: &mut String, items: &[Y], indent: usize) {
    for item in items {
        out.push_str(&pad(indent));
        out.push('-');
        match item {
            Y::Map(m) if m.iter().any(|e| !e.key.is_empty()) => {
                out.push(' ');
                for (i, e) in m.iter().enumerate() {
                    entry(
                        out,
                        e,
                        indent + 2,
                        if i == 0 { None } else { Some(indent + 2) },
                    );
                }
            }
            Y::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                seq(out, inner, indent + 2);
            }
            other => value(out, other, indent),
        }
    }
}

fn key(k: &str) -> String {
    if plain_ok(k) {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::String(s) => string(s, indent),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

fn string(s: &str, indent: usize) -> String {
    if plain_ok(s) {
        return s.to_string();
    }
    let literal_ok = s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        && !s.contains("\n ") // a line starting with a space would change the indentation
        && s.lines().all(|l| !l.ends_with(' '));
    if literal_ok {
        let trailing = s.len() - s.trim_end_matches('\n').len();
        let chomp = match trailing {
            0 => "-",
            1 => "",
            _ => "+",
        };
        let body: Vec<String> = s
            .trim_end_matches('\n')
            .split('\n')
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{}{l}", pad(indent))
                }
            })
            .collect();
        let extra = if trailing > 1 {
            "\n".repeat(trailing - 1)
        } else {
            String::new()
        };
        return format!("|{chomp}\n{}{extra}", body.join("\n"));
    }
    quoted(s)
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Whether a string can be written plain and still read back as the same string.
pub fn plain_ok(s: &str) -> bool {
    if s.is_empty() || s != s.trim() || s.contains('\n') {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    // `-x` is fine plain; `- x`, `--` and other indicators are not.
    let dash_ok = first == '-' && s.len() > 1 && !s.starts_with("- ") && !s.starts_with("--");
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) && !dash_ok {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(|c| c.is_control())
    {
        return false;
    }
    // It must not read back as a number, boolean or null.
    let node = crate::yaml::parse(&crate::source::SourceFile::new("", format!("k: {s}\n")));
    matches!(node, Ok(Some(n)) if n.to_json()["k"] == Value::String(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_readable_yaml_that_reads_back() {
        let mut item = MapBuilder::default();
        item.put("name", Y::s("Log in"));
        item.comment_next(vec!["postman test: if (x) {".into()]);
        item.put("url", Y::s("{{ base }}/x"));
        item.put(
            "json",
            Y::Map(vec![Entry {
                comments: vec![],
                key: "n".into(),
                value: Y::Scalar(Value::from(1)),
            }]),
        );
        let mut top = MapBuilder::default();
        top.put("name", Y::s("c: 1"));
        top.put("description", Y::s("two\nlines\n"));
        top.put("items", Y::Seq(vec![item.build()]));
        top.put("empty", Y::Seq(vec![]));
        top.put("t", Y::s("true"));
        let text = to_string(&top.build());
        let back = crate::yaml::parse(&crate::source::SourceFile::new("t", text.clone()))
            .unwrap()
            .unwrap()
            .to_json();
        assert_eq!(back["name"], "c: 1", "{text}");
        assert_eq!(back["description"], "two\nlines\n", "{text}");
        assert_eq!(back["items"][0]["url"], "{{ base }}/x", "{text}");
        assert_eq!(back["items"][0]["json"]["n"], 1, "{text}");
        assert_eq!(back["t"], "true", "{text}");
        assert!(
            text.contains("    # postman test: if (x) {\n    url:"),
            "{text}"
        );
    }
}
