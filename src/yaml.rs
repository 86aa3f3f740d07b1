//! YAML text → a tree of [`Node`]s that each know their place in the file.
//!
//! Why not `serde_yaml` here: it reports positions for syntax errors only, and every error about
//! a *value* (an unknown key, a wrong type, a bad template) must point at file:line:col. So
//! collections are read with `saphyr-parser`'s event stream, which carries a span for every
//! scalar and collection, and scalars are resolved with the YAML 1.2 core schema (the schema
//! `serde_yaml` uses too). Anchors and aliases are supported; an alias keeps its own position.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use serde_json::Value;

use crate::source::{Diagnostic, SourceFile, Span};

/// One YAML value with its position.
#[derive(Debug, Clone)]
pub struct Node {
    /// The value.
    pub kind: Kind,
    /// Where it starts in the file.
    pub span: Span,
    /// Quoted or block scalars: how the text maps to the file (for template error positions).
    pub style: Style,
}

/// The shape of a [`Node`].
#[derive(Debug, Clone)]
pub enum Kind {
    /// A scalar: null, bool, number or string (as JSON).
    Scalar(Value),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order; keys are strings (other scalars are turned into their text).
    Map(Vec<(String, Span, Node)>),
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain, or a collection.
    Plain,
    /// `'…'` or `"…"`: the text starts one column after the span.
    Quoted,
    /// `|` or `>`: the text starts on the next line.
    Block,
}

impl Node {
    /// A short name of the node's type for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(Value::Null) => "null",
            Kind::Scalar(Value::Bool(_)) => "a boolean",
            Kind::Scalar(Value::Number(_)) => "a number",
            Kind::Scalar(Value::String(_)) => "a string",
            Kind::Scalar(_) => "a value",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// The string, when the node is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The node as plain JSON (positions dropped).
    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Scalar(v) => v.clone(),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, _, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parses one YAML document. An empty file gives `Ok(None)`.
pub fn parse(file: &Arc<SourceFile>) -> Result<Option<Node>, Diagnostic> {
    let mut builder = Builder {
        file,
        parser: Parser::new_from_str(&file.text),
        anchors: HashMap::new(),
    };
    builder.document()
}

struct Builder<'a> {
    file: &'a Arc<SourceFile>,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
}

fn span_of(s: &YSpan) -> Span {
    let width = if s.end.line() == s.start.line() {
        s.end.col().saturating_sub(s.start.col())
    } else {
        1
    };
    Span::new(s.start.line(), s.start.col() + 1, width.max(1))
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, YSpan), Diagnostic> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => {
                let m = e.marker();
                Err(Diagnostic::new(
                    self.file,
                    Span::new(m.line(), m.col() + 1, 1),
                    format!("invalid YAML: {}", e.info()),
                    "here",
                )
                .with_help("check indentation, quotes and `key: value` pairs around this place"))
            }
            None => Err(Diagnostic::new(
                self.file,
                Span::new(1, 1, 1),
                "invalid YAML: unexpected end of input",
                "here",
            )),
        }
    }

    fn document(&mut self) -> Result<Option<Node>, Diagnostic> {
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
                Event::StreamEnd | Event::DocumentEnd => return Ok(None),
                other => {
                    let node = self.node(other, span)?;
                    self.expect_single_document()?;
                    return Ok(Some(node));
                }
            }
        }
    }

    fn expect_single_document(&mut self) -> Result<(), Diagnostic> {
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(()),
                _ => {
                    return Err(Diagnostic::new(
                        self.file,
                        span_of(&span),
                        "a collection file holds one YAML document",
                        "a second document starts here",
                    )
                    .with_help("remove the `---` separator or split the file in two"));
                }
            }
        }
    }

    fn node(&mut self, ev: Event<'a>, span: YSpan) -> Result<Node, Diagnostic> {
        let pos = span_of(&span);
        let (node, anchor) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let explicit_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == ScalarStyle::Plain && !explicit_str {
                    resolve_plain(&text)
                } else {
                    Value::String(text.into_owned())
                };
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                let node = Node {
                    kind: Kind::Scalar(value),
                    span: pos,
                    style,
                };
                (node, anchor)
            }
            Event::SequenceStart(anchor, _) => (self.sequence(pos)?, anchor),
            Event::MappingStart(anchor, _) => (self.mapping(pos)?, anchor),
            Event::Alias(id) => {
                let mut node = self.anchors.get(&id).cloned().ok_or_else(|| {
                    Diagnostic::new(
                        self.file,
                        pos,
                        "unknown YAML alias",
                        "no anchor by this name",
                    )
                })?;
                node.span = pos;
                return Ok(node);
            }
            _ => {
                return Err(Diagnostic::new(
                    self.file,
                    pos,
                    "invalid YAML: unexpected token",
                    "here",
                ));
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn sequence(&mut self, pos: Span) -> Result<Node, Diagnostic> {
        let mut items = Vec::new();
        loop {
            let (ev, span) = self.next()?;
            if matches!(ev, Event::SequenceEnd) {
                break;
            }
            items.push(self.node(ev, span)?);
        }
        items.shrink_to_fit();
        Ok(Node {
            kind: Kind::Seq(items),
            span: pos,
            style: Style::Plain,
        })
    }

    fn mapping(&mut self, pos: Span) -> Result<Node, Diagnostic> {
        let mut entries: Vec<(String, Span, Node)> = Vec::new();
        loop {
            let (ev, span) = self.next()?;
            if matches!(ev, Event::MappingEnd) {
                break;
            }
            let key = self.node(ev, span)?;
            let key_text = match &key.kind {
                Kind::Scalar(Value::String(s)) => s.clone(),
                Kind::Scalar(Value::Null) => "null".to_string(),
                Kind::Scalar(v) => v.to_string(),
                _ => {
                    return Err(Diagnostic::new(
                        self.file,
                        key.span,
                        "mapping keys must be plain text",
                        "a list or mapping used as a key",
                    ));
                }
            };
            let (ev, span) = self.next()?;
            let value = self.node(ev, span)?;
            if key_text == "<<" {
                merge_into(&mut entries, value);
                continue;
            }
            if entries.iter().any(|(k, _, _)| *k == key_text) {
                return Err(Diagnostic::new(
                    self.file,
                    key.span,
                    format!("duplicate key `{key_text}`"),
                    "this key appears earlier in the same mapping",
                )
                .with_help("remove one of them; YAML would silently keep only the last"));
            }
            entries.push((key_text, key.span, value));
        }
        entries.shrink_to_fit();
        Ok(Node {
            kind: Kind::Map(entries),
            span: pos,
            style: Style::Plain,
        })
    }
}

/// `<<: *base` merge keys: entries of the merged mapping(s) that are not already present.
fn merge_into(entries: &mut Vec<(String, Span, Node)>, value: Node) {
    let sources = match value.kind {
        Kind::Map(m) => vec![m],
        Kind::Seq(items) => items
            .into_iter()
            .filter_map(|n| match n.kind {
                Kind::Map(m) => Some(m),
                _ => None,
            })
            .collect(),
        Kind::Scalar(_) => vec![],
    };
    for source in sources {
        for entry in source {
            if !entries.iter().any(|(k, _, _)| *k == entry.0) {
                entries.push(entry);
            }
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(u) = text.parse::<u64>() {
            return Value::from(u);
        }
        // Beyond 64 bits: a float, like serde_yaml and JavaScript.
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::from(i);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::from(i);
    }
    if looks_like_float(digits)
        && let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

fn looks_like_float(s: &str) -> bool {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = {
        let mut parts = mantissa.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        all_digits(int)
            && frac.is_none_or(all_digits)
            && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exp_ok && (mantissa.contains('.') || exp.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Node {
        parse(&SourceFile::new("t.yaml", text)).unwrap().unwrap()
    }

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        let n = parse_str(
            "a: 1\nb: '1'\nc: 1.5\nd: true\ne: ~\nf: 0x10\ng: 1e3\nh: 2xx\ni: 99999999999999999999999\n",
        );
        let j = n.to_json();
        assert_eq!(j["a"], 1);
        assert_eq!(j["b"], "1");
        assert_eq!(j["c"], 1.5);
        assert_eq!(j["d"], true);
        assert_eq!(j["e"], Value::Null);
        assert_eq!(j["f"], 16);
        assert_eq!(j["g"], 1000.0);
        assert_eq!(j["h"], "2xx");
        assert!(j["i"].is_number());
    }

    #[test]
    fn spans_are_one_based() {
        let n = parse_str("name: x\nexpect:\n  status: 200\n");
        let Kind::Map(entries) = &n.kind else {
            panic!()
        };
        let Kind::Map(inner) = &entries[1].2.kind else {
            panic!()
        };
        assert_eq!(inner[0].1, Span::new(3, 3, 6));
        assert_eq!(inner[0].2.span.line, 3);
        assert_eq!(inner[0].2.span.col, 11);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse(&SourceFile::new("t.yaml", "a: [1, 2\nb: 3\n")).unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        let e = parse(&SourceFile::new("t.yaml", "a: 1\na: 2\n")).unwrap_err();
        assert_eq!(e.span.line, 2);
    }

    #[test]
    fn anchors_and_merges() {
        let n = parse_str("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n");
        assert_eq!(n.to_json()["other"], serde_json::json!({"y": 2, "x": 1}));
    }
}
