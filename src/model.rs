//! The collection model: plain data produced by [`crate::parse`], consumed by the runner.
//!
//! Folders are flattened at load time: each [`Request`] carries its folder path and the
//! headers, auth and variables it inherits, so the run loop is a plain loop over requests.

use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use jsonpath_rust::parser::model::JpQuery;
use regex::Regex;

use crate::source::{SourceFile, Span};
use crate::template::Tpl;

/// Variables of one scope, in file order; values are templates rendered when used.
pub type Vars = IndexMap<String, Tpl>;

/// A loaded collection file.
#[derive(Debug)]
pub struct Collection {
    /// The file it was read from.
    pub file: Arc<SourceFile>,
    /// `name:`.
    pub name: String,
    /// `description:`.
    pub description: Option<String>,
    /// Every request, in run order, folders flattened.
    pub requests: Vec<Arc<Request>>,
    /// Names whose values are masked in all output (collection and included files).
    pub secrets: Vec<String>,
    /// Collection-level variables.
    pub variables: Arc<Vars>,
}

/// A loaded environment file (`-e`).
#[derive(Debug, Default)]
pub struct Environment {
    /// `name:`.
    pub name: String,
    /// Its variables.
    pub variables: Vars,
    /// Secret names it adds.
    pub secrets: Vec<String>,
}

/// Where a value was written, for messages.
#[derive(Debug, Clone)]
pub struct Loc {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The place.
    pub span: Span,
}

/// One request, with everything it inherits resolved.
#[derive(Debug)]
pub struct Request {
    /// Where the request item starts.
    pub loc: Loc,
    /// `name:`.
    pub name: String,
    /// Names of the enclosing folders, outermost first.
    pub folder: Vec<String>,
    /// `description:`.
    pub description: Option<String>,
    /// HTTP method, upper case.
    pub method: String,
    /// The URL template.
    pub url: Tpl,
    /// Query parameters, in order; a list value became several entries.
    pub query: Vec<(String, Tpl)>,
    /// Headers, inherited ones first, overridden by name (case-insensitive).
    pub headers: Vec<(String, Tpl)>,
    /// Effective authentication.
    pub auth: Auth,
    /// The body, if any.
    pub body: Option<Body>,
    /// Run only when all of these are true (the request's own `when` and its folders').
    pub when: Vec<Tpl>,
    /// Wait before sending.
    pub delay: Option<Duration>,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
    /// `tags:`.
    pub tags: Vec<String>,
    /// Collection and folder variables merged (inner folders win).
    pub vars: Arc<Vars>,
    /// Values to take from the response.
    pub captures: Vec<Capture>,
    /// Checks on the response.
    pub expect: Vec<Assertion>,
}

impl Request {
    /// `Folder / Sub / Name`.
    pub fn path(&self) -> String {
        let mut parts = self.folder.clone();
        parts.push(self.name.clone());
        parts.join(" / ")
    }
}

/// Authentication of a request.
#[derive(Debug, Clone)]
pub enum Auth {
    /// No Authorization header.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Tpl),
    /// `Authorization: Basic …`.
    Basic {
        /// User name.
        username: Tpl,
        /// Password.
        password: Tpl,
    },
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// `json:` any value, sent as `application/json`.
    Json(Tpl),
    /// `form:` url-encoded fields.
    Form(Vec<(String, Tpl)>),
    /// `body:` raw text.
    Raw(Tpl),
}

/// A compiled JSONPath with its source text.
#[derive(Debug, Clone)]
pub struct JsonPath {
    /// As written.
    pub text: String,
    /// Parsed once at load.
    pub query: Arc<JpQuery>,
    /// Names and indexes only: yields one value or nothing (not an array).
    pub singular: bool,
}

/// `capture: NAME: …`.
#[derive(Debug, Clone)]
pub struct Capture {
    /// Variable name.
    pub name: String,
    /// Where it was written.
    pub loc: Loc,
    /// What to take.
    pub source: CaptureSource,
}

/// Where a capture takes its value from.
#[derive(Debug, Clone)]
pub enum CaptureSource {
    /// A JSONPath on the JSON body.
    Json(JsonPath),
    /// A response header (case-insensitive).
    Header(String),
    /// First group of a regex over the body text (the whole match when there is no group).
    Regex(Regex),
    /// The whole body as text.
    Body,
    /// The status code.
    Status,
    /// A template expression with `response` in scope.
    Expr(Tpl),
}

/// What an assertion looks at.
#[derive(Debug, Clone)]
pub enum Target {
    /// Status code.
    Status,
    /// A header (name as written; matched case-insensitively).
    Header(String),
    /// A JSONPath on the JSON body.
    Json(JsonPath),
    /// The raw body text.
    Body,
    /// Elapsed time in milliseconds.
    Duration,
}

impl Target {
    /// How the target is named in reports: `status`, `header Content-Type`, `json $.a`.
    pub fn describe(&self) -> String {
        match self {
            Target::Status => "status".into(),
            Target::Header(h) => format!("header {h}"),
            Target::Json(p) => format!("json {}", p.text),
            Target::Body => "body".into(),
            Target::Duration => "duration".into(),
        }
    }
}

/// One `expect:` entry: a target and a matcher.
#[derive(Debug, Clone)]
pub struct Assertion {
    /// Where the entry is.
    pub loc: Loc,
    /// `file:line:col`, made once at load for every result of this assertion.
    pub location: Arc<str>,
    /// [`Target::describe`], made once at load.
    pub label: Arc<str>,
    /// What is checked.
    pub target: Target,
    /// How.
    pub matcher: Matcher,
}

/// All operators must hold.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Operators with their places.
    pub ops: Vec<(Op, Loc)>,
}

/// A matcher operator.
#[derive(Debug, Clone)]
pub enum Op {
    /// Equal (numbers compare by value).
    Equals(Tpl),
    /// Not equal.
    NotEquals(Tpl),
    /// Present or absent.
    Exists(bool),
    /// JSON type name.
    Type(JsonType),
    /// Regex search on the text form.
    Matches(Regex),
    /// Substring, array element or object key.
    Contains(Tpl),
    /// Negation of `contains`.
    NotContains(Tpl),
    /// Length of an array, string or object.
    Length(Box<Matcher>),
    /// `>`.
    Gt(Tpl),
    /// `>=`.
    Gte(Tpl),
    /// `<`.
    Lt(Tpl),
    /// `<=`.
    Lte(Tpl),
    /// Equal to one of these.
    OneOf(Vec<Tpl>),
    /// Status class: `2xx` is 2.
    Class(u16),
}

impl Loc {
    /// `file:line:col`.
    pub fn describe(&self) -> String {
        format!("{}:{}:{}", self.file.name(), self.span.line, self.span.col)
    }
}

impl Op {
    /// `length.<op>` for an operator nested under `length`.
    pub fn length_name(&self) -> &'static str {
        match self {
            Op::Equals(_) => "length.equals",
            Op::NotEquals(_) => "length.not_equals",
            Op::Exists(_) => "length.exists",
            Op::Type(_) => "length.type",
            Op::Matches(_) => "length.matches",
            Op::Contains(_) => "length.contains",
            Op::NotContains(_) => "length.not_contains",
            Op::Length(_) => "length.length",
            Op::Gt(_) => "length.gt",
            Op::Gte(_) => "length.gte",
            Op::Lt(_) => "length.lt",
            Op::Lte(_) => "length.lte",
            Op::OneOf(_) => "length.one_of",
            Op::Class(_) => "length.class",
        }
    }

    /// The operator's key as written.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Equals(_) => "equals",
            Op::NotEquals(_) => "not_equals",
            Op::Exists(_) => "exists",
            Op::Type(_) => "type",
            Op::Matches(_) => "matches",
            Op::Contains(_) => "contains",
            Op::NotContains(_) => "not_contains",
            Op::Length(_) => "length",
            Op::Gt(_) => "gt",
            Op::Gte(_) => "gte",
            Op::Lt(_) => "lt",
            Op::Lte(_) => "lte",
            Op::OneOf(_) => "one_of",
            Op::Class(_) => "class",
        }
    }
}

/// JSON types for `type:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// string
    String,
    /// number (integer or not)
    Number,
    /// integer
    Integer,
    /// boolean
    Boolean,
    /// array
    Array,
    /// object
    Object,
    /// null
    Null,
}

impl JsonType {
    /// Every name, for messages.
    pub const NAMES: [&'static str; 7] = [
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];

    /// From its name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => Self::String,
            "number" => Self::Number,
            "integer" => Self::Integer,
            "boolean" | "bool" => Self::Boolean,
            "array" => Self::Array,
            "object" => Self::Object,
            "null" => Self::Null,
            _ => return None,
        })
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Integer => "integer",
            Self::Boolean => "boolean",
            Self::Array => "array",
            Self::Object => "object",
            Self::Null => "null",
        }
    }
}
