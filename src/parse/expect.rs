//! `capture:` and `expect:`: JSONPaths, regexes and matchers, all compiled at load time.

use std::sync::Arc;

use jsonpath_rust::parser::model::{Segment, Selector};
use regex::Regex;
use serde_json::Value;

use super::Parser;
use super::fields::{
    Fields, check_name, duration, entries, loc, scalar_text, unknown_key, wrong_type,
};
use crate::model::{
    Assertion, Capture, CaptureSource, JsonPath, JsonType, Loc, Matcher, Op, Target,
};
use crate::source::{Diagnostic, did_you_mean};
use crate::template::Tpl;
use crate::yaml::{Kind, Node};

const CAPTURE_KEYS: &[&str] = &["json", "header", "regex", "body", "status", "expr"];
const EXPECT_KEYS: &[&str] = &["status", "headers", "json", "body", "duration"];
/// Matcher operator names.
pub const OPS: &[&str] = &[
    "equals",
    "not_equals",
    "exists",
    "type",
    "matches",
    "contains",
    "not_contains",
    "length",
    "gt",
    "gte",
    "lt",
    "lte",
    "one_of",
];

/// Whether a matcher's expected values are durations.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Plain,
    Millis,
}

impl Parser<'_> {
    pub(super) fn captures(&mut self, node: &Node) -> Result<Vec<Capture>, Diagnostic> {
        let file = self.file.clone();
        let mut out = Vec::new();
        for (name, span, value) in entries(&file, node, "`capture`")? {
            check_name(&file, *span, name)?;
            let source = self.capture_source(value)?;
            out.push(Capture {
                name: name.clone(),
                loc: loc(&file, *span),
                source,
            });
        }
        out.shrink_to_fit();
        Ok(out)
    }

    fn capture_source(&mut self, node: &Node) -> Result<CaptureSource, Diagnostic> {
        let file = self.file.clone();
        if let Some(path) = node.as_str() {
            return Ok(CaptureSource::Json(self.json_path(path, node)?));
        }
        Fields::new(&file, node, CAPTURE_KEYS, "a capture")?;
        let Kind::Map(e) = &node.kind else {
            unreachable!("Fields checked a mapping")
        };
        if e.len() != 1 {
            return Err(Diagnostic::new(&file, node.span, "a capture takes exactly one source", "here")
                .with_help("use one of `json: $.path`, `header: Name`, `regex: …`, `body: true`, `status: true`, `expr: …`"));
        }
        let (key, _, v) = &e[0];
        Ok(match key.as_str() {
            "json" => CaptureSource::Json(self.json_path(&scalar_text(&file, v, "`json`")?, v)?),
            "header" => CaptureSource::Header(scalar_text(&file, v, "`header`")?),
            "regex" => CaptureSource::Regex(self.regex(v)?),
            "body" => {
                self.require_true(v, "body")?;
                CaptureSource::Body
            }
            "status" => {
                self.require_true(v, "status")?;
                CaptureSource::Status
            }
            _ => {
                let text = scalar_text(&file, v, "`expr`")?;
                CaptureSource::Expr(self.templates.compile_expr(
                    &text,
                    &loc(&file, v.span),
                    v.style,
                )?)
            }
        })
    }

    fn require_true(&self, v: &Node, key: &str) -> Result<(), Diagnostic> {
        match &v.kind {
            Kind::Scalar(Value::Bool(true)) => Ok(()),
            _ => Err(wrong_type(
                &self.file,
                v,
                &format!("`{key}` in a capture must be `true`"),
            )),
        }
    }

    /// Compiles a JSONPath at `node`.
    pub(super) fn json_path(&mut self, text: &str, node: &Node) -> Result<JsonPath, Diagnostic> {
        let trimmed = text.trim();
        if let Some(query) = self.paths.get(trimmed) {
            let singular = is_singular(query);
            return Ok(JsonPath {
                text: trimmed.to_string(),
                query: query.clone(),
                singular,
            });
        }
        let bad = |msg: String| {
            let d = Diagnostic::new(
                &self.file,
                node.span,
                format!("invalid JSONPath `{trimmed}`"),
                msg,
            );
            if trimmed.starts_with('$') {
                d
            } else {
                d.with_help(format!("a JSONPath starts with `$`, e.g. `$.{trimmed}`"))
            }
        };
        let query = jsonpath_rust::parser::parse_json_path(trimmed).map_err(|e| {
            let (col, msg) = pest_detail(&e.to_string());
            let mut d = bad(msg);
            if let Some(col) = col {
                let quote = usize::from(node.style != crate::yaml::Style::Plain);
                d.span.col += quote + col.saturating_sub(1);
                d.span.width = 1;
            }
            d
        })?;
        let query = Arc::new(query);
        self.paths.insert(trimmed.to_string(), query.clone());
        Ok(JsonPath {
            text: trimmed.to_string(),
            singular: is_singular(&query),
            query,
        })
    }

    fn regex(&self, node: &Node) -> Result<Regex, Diagnostic> {
        let text = scalar_text(&self.file, node, "a regex")?;
        Regex::new(&text).map_err(|e| {
            let text = e.to_string();
            let why = text
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ")
                .to_string();
            Diagnostic::new(&self.file, node.span, "invalid regular expression", why)
        })
    }

    pub(super) fn expect(&mut self, node: &Node) -> Result<Vec<Assertion>, Diagnostic> {
        let file = self.file.clone();
        let f = Fields::new(&file, node, EXPECT_KEYS, "`expect`")?;
        let mut out = Vec::new();
        if let Some(n) = f.get("status") {
            let matcher = self.status_matcher(n)?;
            out.push(assertion(&file, n, Target::Status, matcher));
        }
        if let Some(n) = f.get("headers") {
            for (name, span, v) in entries(&file, n, "`expect.headers`")? {
                let matcher = self.matcher(v, Unit::Plain)?;
                out.push(assertion_at(
                    loc(&file, *span),
                    Target::Header(name.clone()),
                    matcher,
                ));
            }
        }
        if let Some(n) = f.get("json") {
            for (path, span, v) in entries(&file, n, "`expect.json`")? {
                let key_node = Node {
                    kind: Kind::Scalar(Value::Null),
                    span: *span,
                    style: v.style,
                };
                let target = Target::Json(self.json_path(path, &key_node)?);
                let matcher = self.matcher(v, Unit::Plain)?;
                out.push(assertion_at(loc(&file, *span), target, matcher));
            }
        }
        if let Some(n) = f.get("body") {
            let matcher = self.matcher(n, Unit::Plain)?;
            out.push(assertion(&file, n, Target::Body, matcher));
        }
        if let Some(n) = f.get("duration") {
            let matcher = self.matcher(n, Unit::Millis)?;
            out.push(assertion(&file, n, Target::Duration, matcher));
        }
        out.shrink_to_fit();
        Ok(out)
    }

    fn status_matcher(&mut self, n: &Node) -> Result<Matcher, Diagnostic> {
        let here = loc(&self.file, n.span);
        let op = match &n.kind {
            Kind::Scalar(Value::Number(_)) => Op::Equals(Tpl::Lit(self.status_code(n)?)),
            Kind::Scalar(Value::String(s)) if is_class(s) => {
                Op::Class(u16::from(s.as_bytes()[0] - b'0'))
            }
            Kind::Seq(items) => {
                let codes = items
                    .iter()
                    .map(|i| self.status_code(i).map(Tpl::Lit))
                    .collect::<Result<_, _>>()?;
                Op::OneOf(codes)
            }
            Kind::Map(_) => return self.matcher(n, Unit::Plain),
            _ => {
                return Err(wrong_type(
                    &self.file,
                    n,
                    "`status` must be a code (200), a list ([200, 201]), a class (2xx) or a matcher",
                ));
            }
        };
        Ok(Matcher {
            ops: vec![(op, here)],
        })
    }

    fn status_code(&self, n: &Node) -> Result<Value, Diagnostic> {
        match &n.kind {
            Kind::Scalar(Value::Number(num))
                if num.as_u64().is_some_and(|c| (100..=599).contains(&c)) =>
            {
                Ok(Value::Number(num.clone()))
            }
            _ => Err(Diagnostic::new(
                &self.file,
                n.span,
                "invalid HTTP status",
                "expected a number from 100 to 599",
            )),
        }
    }

    fn matcher(&mut self, node: &Node, unit: Unit) -> Result<Matcher, Diagnostic> {
        let file = self.file.clone();
        let here = loc(&file, node.span);
        let Kind::Map(e) = &node.kind else {
            return Ok(Matcher {
                ops: vec![(Op::Equals(self.expected(node, unit)?), here)],
            });
        };
        let any_op = e.iter().any(|(k, _, _)| OPS.contains(&k.as_str()));
        if !any_op {
            // A map without operators is an object to compare with, unless a key is so close to
            // an operator name that it is surely a typo (`equal`, `lenght`).
            let typo = |k: &str| {
                OPS.iter().any(|op| {
                    let d = crate::source::levenshtein(k, op);
                    d == 1 || (d == 2 && k.len() >= 5 && op.len() >= 5)
                })
            };
            if let Some((k, span, _)) = e.iter().find(|(k, _, _)| typo(k)) {
                return Err(
                    unknown_key(&file, *span, k, OPS, "a matcher").with_help(format!(
                        "did you mean `{}`? (to compare with an object, write `equals: {{…}}`)",
                        did_you_mean(k, OPS).unwrap_or("equals")
                    )),
                );
            }
            return Ok(Matcher {
                ops: vec![(Op::Equals(self.expected(node, unit)?), here)],
            });
        }
        let mut ops = Vec::new();
        for (key, span, v) in e {
            if !OPS.contains(&key.as_str()) {
                return Err(unknown_key(&file, *span, key, OPS, "a matcher"));
            }
            ops.push((self.op(key, v, unit)?, loc(&file, *span)));
        }
        ops.shrink_to_fit();
        Ok(Matcher { ops })
    }

    fn op(&mut self, key: &str, v: &Node, unit: Unit) -> Result<Op, Diagnostic> {
        let file = self.file.clone();
        Ok(match key {
            "equals" => Op::Equals(self.expected(v, unit)?),
            "not_equals" => Op::NotEquals(self.expected(v, unit)?),
            "exists" => match &v.kind {
                Kind::Scalar(Value::Bool(b)) => Op::Exists(*b),
                _ => return Err(wrong_type(&file, v, "`exists` takes true or false")),
            },
            "type" => {
                let name = match &v.kind {
                    Kind::Scalar(Value::Null) => "null".to_string(),
                    _ => scalar_text(&file, v, "`type`")?,
                };
                Op::Type(JsonType::parse(&name).ok_or_else(|| {
                    let d = Diagnostic::new(
                        &file,
                        v.span,
                        format!("unknown type `{name}`"),
                        "not a JSON type",
                    );
                    match did_you_mean(&name, &JsonType::NAMES) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("one of: {}", JsonType::NAMES.join(", "))),
                    }
                })?)
            }
            "matches" => Op::Matches(self.regex(v)?),
            "contains" => Op::Contains(self.expected(v, Unit::Plain)?),
            "not_contains" => Op::NotContains(self.expected(v, Unit::Plain)?),
            "length" => Op::Length(Box::new(self.matcher(v, Unit::Plain)?)),
            "gt" => Op::Gt(self.expected(v, unit)?),
            "gte" => Op::Gte(self.expected(v, unit)?),
            "lt" => Op::Lt(self.expected(v, unit)?),
            "lte" => Op::Lte(self.expected(v, unit)?),
            _ => match &v.kind {
                Kind::Seq(items) => Op::OneOf(
                    items
                        .iter()
                        .map(|i| self.expected(i, unit))
                        .collect::<Result<_, _>>()?,
                ),
                _ => return Err(wrong_type(&file, v, "`one_of` takes a list")),
            },
        })
    }

    /// An expected value: templated (a lone `{{ expr }}` keeps its type); durations become ms.
    fn expected(&mut self, v: &Node, unit: Unit) -> Result<Tpl, Diagnostic> {
        if unit == Unit::Millis {
            let d = duration(&self.file, v)?;
            return Ok(Tpl::Lit(Value::from(d.as_secs_f64() * 1000.0)));
        }
        let here: Loc = loc(&self.file, v.span);
        self.templates.compile_node(v, &here, true)
    }
}

fn assertion(
    file: &Arc<crate::source::SourceFile>,
    n: &Node,
    target: Target,
    matcher: Matcher,
) -> Assertion {
    assertion_at(loc(file, n.span), target, matcher)
}

fn assertion_at(at: Loc, target: Target, matcher: Matcher) -> Assertion {
    Assertion {
        location: at.describe().into(),
        label: target.describe().into(),
        loc: at,
        target,
        matcher,
    }
}

/// Names and indexes only: the path names one value.
fn is_singular(q: &jsonpath_rust::parser::model::JpQuery) -> bool {
    q.segments
        .iter()
        .all(|s| matches!(s, Segment::Selector(Selector::Name(_) | Selector::Index(_))))
}

fn is_class(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && b[1..].eq_ignore_ascii_case(b"xx")
}

/// The column and the "expected …" line of a pest parse error's text.
fn pest_detail(text: &str) -> (Option<usize>, String) {
    let col = text
        .lines()
        .find_map(|l| l.split_once("--> ").map(|(_, rest)| rest))
        .and_then(|lc| lc.split(':').nth(1))
        .and_then(|c| c.trim().parse().ok());
    let msg = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map_or_else(|| first_line(text), str::to_string);
    (col, msg)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}
