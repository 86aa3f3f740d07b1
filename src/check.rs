//! Static checks run before anything is sent (and by `runner validate`): every variable a
//! template reads must be defined somewhere: a scope, the command line, or a capture of an
//! earlier request. Names guarded by `| default(…)` or `is defined` are allowed to be missing.

use std::collections::HashSet;
use std::sync::Arc;

use regex::Regex;

use crate::model::{Auth, Body, CaptureSource, Collection, Matcher, Op, Request};
use crate::source::{Diagnostic, Span};
use crate::template::{self, Source};

/// Every template source in a request, with whether `response` is in scope for it.
pub fn request_sources(r: &Request) -> Vec<(&Arc<Source>, bool)> {
    let mut out: Vec<&Arc<Source>> = Vec::new();
    let mut add = |t| template::sources_of(t, &mut out);
    add(&r.url);
    r.query.iter().for_each(|(_, t)| add(t));
    r.headers.iter().for_each(|(_, t)| add(t));
    match &r.auth {
        Auth::None => {}
        Auth::Bearer(t) => add(t),
        Auth::Basic { username, password } => {
            add(username);
            add(password);
        }
    }
    match &r.body {
        Some(Body::Json(t) | Body::Raw(t)) => add(t),
        Some(Body::Form(f)) => f.iter().for_each(|(_, t)| add(t)),
        None => {}
    }
    r.when.iter().for_each(&mut add);
    for a in &r.expect {
        matcher_sources(&a.matcher, &mut out);
    }
    let mut sources: Vec<(&Arc<Source>, bool)> = out.into_iter().map(|s| (s, false)).collect();
    // Capture expressions also see `response`.
    for c in &r.captures {
        if let CaptureSource::Expr(t) = &c.source {
            let mut v = Vec::new();
            template::sources_of(t, &mut v);
            sources.extend(v.into_iter().map(|s| (s, true)));
        }
    }
    sources
}

fn matcher_sources<'a>(m: &'a Matcher, out: &mut Vec<&'a Arc<Source>>) {
    for (op, _) in &m.ops {
        match op {
            Op::Equals(t)
            | Op::NotEquals(t)
            | Op::Contains(t)
            | Op::NotContains(t)
            | Op::Gt(t)
            | Op::Gte(t)
            | Op::Lt(t)
            | Op::Lte(t) => template::sources_of(t, out),
            Op::OneOf(ts) => ts.iter().for_each(|t| template::sources_of(t, out)),
            Op::Length(inner) => matcher_sources(inner, out),
            _ => {}
        }
    }
}

/// Variables used but never defined, in run order. `outside` are names defined outside the
/// collection (environment, `--var`, the simulator).
pub fn undefined_variables(c: &Collection, outside: &HashSet<String>) -> Vec<Diagnostic> {
    let all_captures: HashSet<&str> = c
        .requests
        .iter()
        .flat_map(|r| r.captures.iter().map(|c| c.name.as_str()))
        .collect();
    let mut captured: HashSet<&str> = HashSet::new();
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut seen: HashSet<(String, usize, usize, String)> = HashSet::new();
    let mut checked_vars: HashSet<*const Source> = HashSet::new();
    for r in &c.requests {
        let defined = |name: &str, response: bool| {
            outside.contains(name)
                || r.vars.contains_key(name)
                || captured.contains(name)
                || (response && name == "response")
        };
        for (src, response) in request_sources(r) {
            for name in &src.vars {
                if !defined(name, response) && !guarded(&src.text, name) {
                    let later = all_captures.contains(name.as_str());
                    push(&mut out, &mut seen, src, name, later);
                }
            }
        }
        // Variable values are rendered lazily, maybe after later captures: check them against
        // everything the collection can define.
        for t in r.vars.values() {
            let mut srcs = Vec::new();
            template::sources_of(t, &mut srcs);
            for src in srcs {
                if !checked_vars.insert(Arc::as_ptr(src)) {
                    continue;
                }
                for name in &src.vars {
                    let ok = outside.contains(name)
                        || r.vars.contains_key(name)
                        || all_captures.contains(name.as_str());
                    if !ok && !guarded(&src.text, name) {
                        push(&mut out, &mut seen, src, name, false);
                    }
                }
            }
        }
        captured.extend(r.captures.iter().map(|c| c.name.as_str()));
    }
    out
}

fn push(
    out: &mut Vec<Diagnostic>,
    seen: &mut HashSet<(String, usize, usize, String)>,
    src: &Source,
    name: &str,
    later: bool,
) {
    let key = (
        src.loc.file.name(),
        src.loc.span.line,
        src.loc.span.col,
        name.to_string(),
    );
    if !seen.insert(key) {
        return;
    }
    let span = locate(src, name);
    let help = if later {
        format!("`{name}` is captured only by a later request; move that request before this one")
    } else {
        format!(
            "define `{name}` in `variables`, an environment file (-e), with --var {name}=…, or capture it in an earlier request"
        )
    };
    out.push(
        Diagnostic::new(
            &src.loc.file,
            span,
            format!("undefined variable `{name}`"),
            "used here",
        )
        .with_help(help),
    );
}

/// The span of the first use of `name` inside a single-line template.
fn locate(src: &Source, name: &str) -> Span {
    let at = src.loc.span;
    let line_text = src.loc.file.line(at.line).unwrap_or("");
    let from = at.col.saturating_sub(1);
    let rest: String = line_text.chars().skip(from).collect();
    match find_word(&rest, name) {
        Some(i) => Span::new(
            at.line,
            at.col + rest[..i].chars().count(),
            name.chars().count(),
        ),
        None => at,
    }
}

fn find_word(hay: &str, word: &str) -> Option<usize> {
    let re = Regex::new(&format!(r"\b{}\b", regex::escape(word))).ok()?;
    re.find(hay).map(|m| m.start())
}

/// `name | default(…)`, `name|d(…)`, `name is defined`, `name is undefined`.
fn guarded(text: &str, name: &str) -> bool {
    let pattern = format!(
        r"\b{}\s*(\|\s*(default|d)\b|is\s+(not\s+)?(defined|undefined)\b)",
        regex::escape(name)
    );
    Regex::new(&pattern).is_ok_and(|re| re.is_match(text))
}
