//! Templates: every string a user writes in a request is a minijinja template.
//!
//! All templates of a run live in one [`Templates`] environment, compiled once at load time
//! (syntax errors are found before anything is sent) and named after their place
//! (`quotation.yaml:12:10`). A string that is exactly one `{{ expr }}` becomes a
//! [`Tpl::Native`] expression whose value keeps its JSON type; strings without any template
//! syntax stay literals and cost nothing to render.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::Value as MjValue;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde_json::Value;

use crate::model::Loc;
use crate::source::{Diagnostic, Span};
use crate::yaml::{Kind, Node, Style};

mod functions;

/// A value that may contain templates.
#[derive(Debug, Clone)]
pub enum Tpl {
    /// No template syntax: used as is.
    Lit(Value),
    /// A string template; renders to a string.
    Str(Arc<Source>),
    /// Exactly one `{{ expr }}`: evaluates to a typed value.
    Native(Arc<Source>),
    /// A list whose items may be templates.
    Arr(Vec<Tpl>),
    /// A mapping whose values may be templates.
    Obj(Vec<(String, Tpl)>),
}

/// A compiled template string and where it came from.
#[derive(Debug)]
pub struct Source {
    /// Name of the template in the environment.
    pub id: String,
    /// The template text (for `Native`, the expression between the braces).
    pub text: String,
    /// Byte offset of `text` inside the YAML string (non-zero for `Native`).
    pub offset: usize,
    /// Where the YAML string is.
    pub loc: Loc,
    /// How the YAML string was written.
    pub style: Style,
    /// Variables it reads (names not defined inside the template, globals excluded).
    pub vars: Vec<String>,
    /// Text and plain variable names only (`"{{ base }}/items/{{ id }}"`): rendered by
    /// substitution, never compiled by minijinja. `None` for anything more.
    pub fast: Option<Vec<Part>>,
}

/// A piece of a template on the fast path.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// A variable's value.
    Var(String),
}

/// A failure to render, located in the user's file.
#[derive(Debug, Clone)]
pub struct RenderError {
    /// Located description.
    pub diagnostic: Box<Diagnostic>,
    /// The variables that were undefined, when that was the cause.
    pub undefined: Vec<String>,
    /// minijinja failed on an undefined value (the resolver then names the variables).
    pub undefined_value: bool,
}

/// Functions every template can call (besides minijinja's own).
pub const GLOBALS: &[&str] = &[
    "env",
    "uuid",
    "now",
    "timestamp",
    "random_int",
    "oadate",
    "range",
    "dict",
    "debug",
    "namespace",
    "loop",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
];

/// The one template environment of a run.
pub struct Templates {
    env: Environment<'static>,
    counter: usize,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("count", &self.counter)
            .finish()
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

impl Templates {
    /// A strict environment with the built-in helpers.
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_keep_trailing_newline(true);
        functions::register(&mut env);
        Self { env, counter: 0 }
    }

    /// Compiles a YAML node into a [`Tpl`]. `native` lets a lone `{{ expr }}` keep its type
    /// (JSON bodies, expected values, variables); otherwise strings render as strings.
    pub fn compile_node(
        &mut self,
        node: &Node,
        loc: &Loc,
        native: bool,
    ) -> Result<Tpl, Diagnostic> {
        let here = Loc {
            file: loc.file.clone(),
            span: node.span,
        };
        Ok(match &node.kind {
            Kind::Scalar(Value::String(s)) => self.compile_str(s, &here, node.style, native)?,
            Kind::Scalar(v) => Tpl::Lit(v.clone()),
            Kind::Seq(items) => {
                let items = items
                    .iter()
                    .map(|n| self.compile_node(n, loc, native))
                    .collect::<Result<Vec<_>, _>>()?;
                collapse(Tpl::Arr(items))
            }
            Kind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, _, v) in entries {
                    out.push((k.clone(), self.compile_node(v, loc, native)?));
                }
                collapse(Tpl::Obj(out))
            }
        })
    }

    /// Compiles one string.
    pub fn compile_str(
        &mut self,
        text: &str,
        loc: &Loc,
        style: Style,
        native: bool,
    ) -> Result<Tpl, Diagnostic> {
        if !text.contains("{{") && !text.contains("{%") && !text.contains("{#") {
            return Ok(Tpl::Lit(Value::String(text.to_string())));
        }
        if let Some(parts) = fast_parts(text, native) {
            let mut vars: Vec<String> = Vec::new();
            for p in &parts {
                if let Part::Var(v) = p
                    && !vars.contains(v)
                {
                    vars.push(v.clone());
                }
            }
            let (body, offset) = match (native, lone_expression(text)) {
                (true, Some((expr, offset))) => (expr.to_string(), offset),
                _ => (text.to_string(), 0),
            };
            let src = Arc::new(Source {
                id: String::new(),
                text: body,
                offset,
                loc: loc.clone(),
                style,
                vars,
                fast: Some(parts),
            });
            let native_var = native && lone_expression(text).is_some();
            return Ok(if native_var {
                Tpl::Native(src)
            } else {
                Tpl::Str(src)
            });
        }
        self.counter += 1;
        let id = format!(
            "{}:{}:{}#{}",
            loc.file.name(),
            loc.span.line,
            loc.span.col,
            self.counter
        );
        if native && let Some((expr, offset)) = lone_expression(text) {
            let vars = match self.env.compile_expression(expr) {
                Ok(e) => undeclared(e.undeclared_variables(false)),
                Err(e) => return Err(self.diagnose(&e, loc, style, expr, offset)),
            };
            let src = Source {
                id,
                text: expr.to_string(),
                offset,
                loc: loc.clone(),
                style,
                vars,
                fast: None,
            };
            return Ok(Tpl::Native(Arc::new(src)));
        }
        if let Err(e) = self.env.add_template_owned(id.clone(), text.to_string()) {
            return Err(self.diagnose(&e, loc, style, text, 0));
        }
        let vars = match self.env.get_template(&id) {
            Ok(t) => undeclared(t.undeclared_variables(false)),
            Err(e) => return Err(self.diagnose(&e, loc, style, text, 0)),
        };
        let src = Source {
            id,
            text: text.to_string(),
            offset: 0,
            loc: loc.clone(),
            style,
            vars,
            fast: None,
        };
        Ok(Tpl::Str(Arc::new(src)))
    }

    /// Compiles a `when:`-style expression: `{{ … }}` around it is optional.
    pub fn compile_expr(&mut self, text: &str, loc: &Loc, style: Style) -> Result<Tpl, Diagnostic> {
        let wrapped;
        let text = if lone_expression(text).is_some() {
            text
        } else {
            wrapped = format!("{{{{ {text} }}}}");
            &wrapped
        };
        self.compile_str(text, loc, style, true)
    }

    /// Renders a template tree against a ready context (tests and tools; the runner goes
    /// through [`crate::scope::Resolver`], which also takes the fast path).
    pub fn render(&self, t: &Tpl, ctx: &MjValue) -> Result<Value, RenderError> {
        match t {
            Tpl::Lit(v) => Ok(v.clone()),
            Tpl::Str(src) => self.render_leaf(src, false, ctx),
            Tpl::Native(src) => self.render_leaf(src, true, ctx),
            Tpl::Arr(items) => items
                .iter()
                .map(|i| self.render(i, ctx))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Tpl::Obj(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for (k, v) in entries {
                    map.insert(k.clone(), self.render(v, ctx)?);
                }
                Ok(Value::Object(map))
            }
        }
    }

    /// Renders one template string or expression with minijinja.
    pub fn render_leaf(
        &self,
        src: &Source,
        native: bool,
        ctx: &MjValue,
    ) -> Result<Value, RenderError> {
        if native {
            let expr = self
                .env
                .compile_expression(&src.text)
                .map_err(|e| self.render_error(&e, src))?;
            let v = expr.eval(ctx).map_err(|e| self.render_error(&e, src))?;
            if v.is_undefined() {
                return Err(self.render_error(
                    &minijinja::Error::new(ErrorKind::UndefinedError, "undefined value"),
                    src,
                ));
            }
            return Ok(to_json(&v));
        }
        let s = if src.id.is_empty() {
            // A fast-path template whose values need minijinja's formatting (or its error).
            self.env.render_str(&src.text, ctx)
        } else {
            self.env.get_template(&src.id).and_then(|t| t.render(ctx))
        };
        s.map(Value::String).map_err(|e| self.render_error(&e, src))
    }

    /// Renders to text: strings as they are, other values as JSON.
    pub fn render_string(&self, t: &Tpl, ctx: &MjValue) -> Result<String, RenderError> {
        Ok(value_to_text(self.render(t, ctx)?))
    }

    fn render_error(&self, e: &minijinja::Error, src: &Source) -> RenderError {
        let diagnostic = Box::new(self.diagnose(e, &src.loc, src.style, &src.text, src.offset));
        RenderError {
            diagnostic,
            undefined: Vec::new(),
            undefined_value: e.kind() == ErrorKind::UndefinedError,
        }
    }

    fn diagnose(
        &self,
        e: &minijinja::Error,
        loc: &Loc,
        style: Style,
        text: &str,
        offset: usize,
    ) -> Diagnostic {
        let span = error_span(e, loc.span, style, text, offset);
        let detail = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        let message = match e.kind() {
            ErrorKind::SyntaxError => format!("template syntax error: {detail}"),
            ErrorKind::UndefinedError => "undefined variable in template".to_string(),
            _ => format!("template error: {detail}"),
        };
        Diagnostic::new(&loc.file, span, message, detail)
    }
}

/// Splits a template made only of text and `{{ name }}` references; `None` for anything else
/// (filters, expressions, tags, comments, whitespace control).
fn fast_parts(text: &str, native: bool) -> Option<Vec<Part>> {
    if text.contains("{%") || text.contains("{#") {
        return None;
    }
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            parts.push(Part::Lit(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        let name = after[..end].trim();
        let ident = is_identifier(name) && !GLOBALS.contains(&name);
        if !ident {
            return None;
        }
        parts.push(Part::Var(name.to_string()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    if native && lone_expression(text).is_some() {
        // A lone `{{ name }}` keeps its type: the surrounding whitespace does not count.
        parts.retain(|p| matches!(p, Part::Var(_)));
    }
    Some(parts)
}

/// Renders a fast-path template: `None` when a variable is missing or has a value whose text
/// form only minijinja knows (lists, maps), so the caller takes the slow path.
pub fn render_fast(
    parts: &[Part],
    native: bool,
    lookup: &mut dyn FnMut(&str) -> Option<Value>,
) -> Option<Value> {
    if native && let [Part::Var(name)] = parts {
        return lookup(name);
    }
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Var(name) => match lookup(name)? {
                Value::String(s) => out.push_str(&s),
                Value::Bool(b) => out.push_str(if b { "True" } else { "False" }),
                Value::Null => out.push_str("None"),
                Value::Number(n) => {
                    if let Some(i) = n.as_i64() {
                        out.push_str(&i.to_string());
                    } else if let Some(u) = n.as_u64() {
                        out.push_str(&u.to_string());
                    } else {
                        // minijinja writes floats with a `.0` when they have no fraction.
                        let f = n.as_f64()?;
                        let mut t = f.to_string();
                        if !t.contains('.') && f.is_finite() {
                            t.push_str(".0");
                        }
                        out.push_str(&t);
                    }
                }
                _ => return None,
            },
        }
    }
    Some(Value::String(out))
}

/// A name templates can read as a variable: letters, digits and `_`, not starting with a digit.
pub fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Text form of a value: strings bare, everything else as compact JSON.
pub fn value_to_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A minijinja value as JSON.
pub fn to_json(v: &MjValue) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A context for rendering from resolved variables.
pub fn context(vars: BTreeMap<String, Value>) -> MjValue {
    MjValue::from_serialize(&vars)
}

/// Collects the variable names a template reads.
pub fn vars_of(t: &Tpl, out: &mut Vec<String>) {
    match t {
        Tpl::Lit(_) => {}
        Tpl::Str(s) | Tpl::Native(s) => {
            for v in &s.vars {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
        Tpl::Arr(items) => items.iter().for_each(|i| vars_of(i, out)),
        Tpl::Obj(entries) => entries.iter().for_each(|(_, v)| vars_of(v, out)),
    }
}

/// Every template source inside a value (for checks that need their places).
pub fn sources_of<'a>(t: &'a Tpl, out: &mut Vec<&'a Arc<Source>>) {
    match t {
        Tpl::Lit(_) => {}
        Tpl::Str(s) | Tpl::Native(s) => out.push(s),
        Tpl::Arr(items) => items.iter().for_each(|i| sources_of(i, out)),
        Tpl::Obj(entries) => entries.iter().for_each(|(_, v)| sources_of(v, out)),
    }
}

/// A list or map without templates inside becomes a literal.
fn collapse(t: Tpl) -> Tpl {
    let all_lit = match &t {
        Tpl::Arr(items) => items.iter().all(|i| matches!(i, Tpl::Lit(_))),
        Tpl::Obj(entries) => entries.iter().all(|(_, v)| matches!(v, Tpl::Lit(_))),
        _ => false,
    };
    if !all_lit {
        return t;
    }
    match t {
        Tpl::Arr(items) => Tpl::Lit(Value::Array(
            items
                .into_iter()
                .map(|i| match i {
                    Tpl::Lit(v) => v,
                    _ => Value::Null,
                })
                .collect(),
        )),
        Tpl::Obj(entries) => Tpl::Lit(Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| match v {
                    Tpl::Lit(v) => (k, v),
                    _ => (k, Value::Null),
                })
                .collect(),
        )),
        other => other,
    }
}

/// `{{ expr }}` and nothing else (surrounding whitespace allowed): the expression and its offset.
fn lone_expression(text: &str) -> Option<(&str, usize)> {
    let trimmed = text.trim();
    let inner = trimmed.strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    if inner.contains("{{") || inner.contains("}}") || inner.trim().is_empty() {
        return None;
    }
    let lead = text.len() - text.trim_start().len();
    let offset = lead + 2 + (inner.as_ptr() as usize - trimmed[2..].as_ptr() as usize);
    Some((inner, offset))
}

fn undeclared(names: std::collections::HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = names
        .into_iter()
        .filter(|n| !GLOBALS.contains(&n.as_str()))
        .collect();
    v.sort();
    v
}

/// Maps a minijinja error position inside a template back to the YAML file.
/// Maps a minijinja error position inside a template back to the YAML file. `offset` is where
/// the template text starts inside the YAML string (the expression of a lone `{{ … }}`).
fn error_span(e: &minijinja::Error, at: Span, style: Style, text: &str, offset: usize) -> Span {
    let Some(range) = e.range() else {
        return at;
    };
    let before = &text[..range.start.min(text.len())];
    let width = text
        .get(range.start..range.end.min(text.len()))
        .map_or(1, |s| s.chars().count().max(1));
    let lines_before = before.matches('\n').count();
    match style {
        Style::Block => Span::new(at.line + 1 + lines_before, 1, width),
        _ if lines_before > 0 => Span::new(at.line + lines_before, 1, width),
        _ => {
            let quote = usize::from(style == Style::Quoted);
            Span::new(
                at.line,
                at.col + quote + offset + before.chars().count(),
                width,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn loc() -> Loc {
        Loc {
            file: SourceFile::new("t.yaml", "x: '{{ a }}'\n"),
            span: Span::new(1, 4, 9),
        }
    }

    fn ctx(pairs: &[(&str, Value)]) -> MjValue {
        context(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn native_expressions_keep_types() {
        let mut t = Templates::new();
        let tpl = t
            .compile_str("{{ id }}", &loc(), Style::Quoted, true)
            .unwrap();
        assert!(matches!(tpl, Tpl::Native(_)));
        let v = t.render(&tpl, &ctx(&[("id", Value::from(42))])).unwrap();
        assert_eq!(v, Value::from(42));
        let tpl = t
            .compile_str("id={{ id }}", &loc(), Style::Quoted, true)
            .unwrap();
        let v = t.render(&tpl, &ctx(&[("id", Value::from(42))])).unwrap();
        assert_eq!(v, Value::from("id=42"));
    }

    #[test]
    fn strict_undefined_but_default_works() {
        let mut t = Templates::new();
        let tpl = t
            .compile_str("{{ a }}", &loc(), Style::Quoted, false)
            .unwrap();
        assert!(t.render(&tpl, &ctx(&[])).is_err());
        let tpl = t
            .compile_str("{{ a | default(10) }}", &loc(), Style::Quoted, false)
            .unwrap();
        assert_eq!(t.render(&tpl, &ctx(&[])).unwrap(), Value::from("10"));
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let mut t = Templates::new();
        let e = t
            .compile_str("{{ a + }}", &loc(), Style::Quoted, false)
            .unwrap_err();
        assert!(e.message.contains("syntax"), "{}", e.message);
        assert_eq!(e.span.line, 1);
        assert!(e.span.col >= 5, "{:?}", e.span);
    }

    #[test]
    fn the_fast_path_renders_exactly_like_minijinja() {
        let t = Templates::new();
        let values = [
            Value::from("text"),
            Value::from(42),
            Value::from(-7),
            Value::from(u64::MAX),
            Value::from(9.5),
            Value::from(1.0),
            Value::from(1e21),
            Value::Bool(true),
            Value::Bool(false),
            Value::Null,
        ];
        let parts = fast_parts("a/{{ v }}?x={{v}}", false).unwrap();
        for v in values {
            let fast = render_fast(&parts, false, &mut |_| Some(v.clone())).unwrap();
            let slow = t
                .env
                .render_str(
                    "a/{{ v }}?x={{v}}",
                    context([("v".to_string(), v.clone())].into()),
                )
                .unwrap();
            assert_eq!(fast, Value::String(slow), "for {v}");
        }
        assert!(
            render_fast(&parts, false, &mut |_| Some(serde_json::json!([1]))).is_none(),
            "lists take the slow path"
        );
        assert!(fast_parts("{{ a | upper }}", false).is_none());
        assert!(fast_parts("{{ a.b }}", false).is_none());
        assert!(fast_parts("{{- a }}", false).is_none());
    }

    #[test]
    fn lone_expression_detection() {
        assert_eq!(lone_expression("{{ a }}"), Some((" a ", 2)));
        assert_eq!(lone_expression("{{ a }}{{ b }}"), None);
        assert_eq!(lone_expression("x{{ a }}"), None);
    }
}
