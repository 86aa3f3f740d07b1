//! Reading mappings with known keys: unknown keys are errors with the nearest valid key.

use std::sync::Arc;

use serde_json::Value;

use crate::model::Loc;
use crate::source::{Diagnostic, SourceFile, Span, did_you_mean};
use crate::yaml::{Kind, Node};

/// The checked entries of one mapping.
pub struct Fields<'n> {
    entries: &'n [(String, Span, Node)],
    /// The mapping node itself.
    pub node: &'n Node,
}

impl<'n> Fields<'n> {
    /// Checks that `node` is a mapping whose keys are all in `allowed`; `what` names it in messages.
    pub fn new(
        file: &Arc<SourceFile>,
        node: &'n Node,
        allowed: &[&str],
        what: &str,
    ) -> Result<Self, Diagnostic> {
        let Kind::Map(entries) = &node.kind else {
            return Err(wrong_type(file, node, &format!("{what} must be a mapping")));
        };
        for (key, span, _) in entries {
            if !allowed.contains(&key.as_str()) {
                return Err(unknown_key(file, *span, key, allowed, what));
            }
        }
        Ok(Self { entries, node })
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
    }

    /// The key's own span.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, s, _)| *s)
    }

    /// True when `key` is present.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A required string.
    pub fn req_str(
        &self,
        file: &Arc<SourceFile>,
        key: &str,
        what: &str,
    ) -> Result<String, Diagnostic> {
        match self.get(key) {
            Some(n) => scalar_text(file, n, &format!("`{key}`")),
            None => Err(Diagnostic::new(
                file,
                self.node.span,
                format!("{what} has no `{key}`"),
                format!("add `{key}:` here"),
            )),
        }
    }

    /// An optional string.
    pub fn opt_str(&self, file: &Arc<SourceFile>, key: &str) -> Result<Option<String>, Diagnostic> {
        self.get(key)
            .map(|n| scalar_text(file, n, &format!("`{key}`")))
            .transpose()
    }
}

/// An unknown key, with a suggestion when one is close.
pub fn unknown_key(
    file: &Arc<SourceFile>,
    span: Span,
    key: &str,
    allowed: &[&str],
    what: &str,
) -> Diagnostic {
    let d = Diagnostic::new(
        file,
        span,
        format!("unknown key `{key}` in {what}"),
        "not a valid key here",
    );
    match did_you_mean(key, allowed) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!("valid keys: {}", allowed.join(", "))),
    }
}

/// A value of the wrong type.
pub fn wrong_type(file: &Arc<SourceFile>, node: &Node, message: &str) -> Diagnostic {
    Diagnostic::new(
        file,
        node.span,
        message.to_string(),
        format!("found {}", node.type_name()),
    )
}

/// A scalar's text: strings as they are, numbers and booleans in their YAML spelling.
pub fn scalar_text(file: &Arc<SourceFile>, node: &Node, what: &str) -> Result<String, Diagnostic> {
    match &node.kind {
        Kind::Scalar(Value::String(s)) => Ok(s.clone()),
        Kind::Scalar(v @ (Value::Number(_) | Value::Bool(_))) => Ok(v.to_string()),
        _ => Err(wrong_type(file, node, &format!("{what} must be text"))),
    }
}

/// A list of strings (a single string is a list of one).
pub fn string_list(
    file: &Arc<SourceFile>,
    node: &Node,
    what: &str,
) -> Result<Vec<String>, Diagnostic> {
    match &node.kind {
        Kind::Seq(items) => items.iter().map(|n| scalar_text(file, n, what)).collect(),
        _ => Ok(vec![scalar_text(file, node, what)?]),
    }
}

/// A mapping's entries (or an error naming `what`).
pub fn entries<'n>(
    file: &Arc<SourceFile>,
    node: &'n Node,
    what: &str,
) -> Result<&'n [(String, Span, Node)], Diagnostic> {
    match &node.kind {
        Kind::Map(e) => Ok(e),
        Kind::Scalar(Value::Null) => Ok(&[]),
        _ => Err(wrong_type(file, node, &format!("{what} must be a mapping"))),
    }
}

/// A location in `file`.
pub fn loc(file: &Arc<SourceFile>, span: Span) -> Loc {
    Loc {
        file: file.clone(),
        span,
    }
}

/// A variable or capture name: usable in templates.
pub fn check_name(file: &Arc<SourceFile>, span: Span, name: &str) -> Result<(), Diagnostic> {
    if crate::template::is_identifier(name) {
        Ok(())
    } else {
        Err(Diagnostic::new(
            file,
            span,
            format!("`{name}` cannot be used as a variable name"),
            "not a valid name",
        )
        .with_help("use letters, digits and `_`, starting with a letter (e.g. `access_token`)"))
    }
}

/// A duration: `500ms`, `2s`, `1m 30s`, or a number of milliseconds.
pub fn duration(file: &Arc<SourceFile>, node: &Node) -> Result<std::time::Duration, Diagnostic> {
    let bad = || {
        Diagnostic::new(
            file,
            node.span,
            "invalid duration",
            "expected e.g. `500ms`, `2s` or `1m`",
        )
    };
    match &node.kind {
        Kind::Scalar(Value::Number(n)) => n
            .as_f64()
            .filter(|f| *f >= 0.0 && f.is_finite() && *f < 1e15)
            .map(|ms| std::time::Duration::from_micros((ms * 1000.0) as u64))
            .ok_or_else(bad),
        Kind::Scalar(Value::String(s)) => humantime::parse_duration(s.trim()).map_err(|_| bad()),
        _ => Err(bad()),
    }
}
