//! Load: collection and environment files → the model, with every template, JSONPath and
//! regex compiled up front, so bad input is found before the first request is sent.

mod expect;
pub use expect::OPS;
mod fields;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::error::Error;
use crate::model::{Auth, Body, Collection, Environment, Request, Vars};
use crate::source::{Diagnostic, SourceFile, did_you_mean};
use crate::template::{Templates, Tpl};
use crate::yaml::{self, Kind, Node};
use fields::{Fields, check_name, duration, entries, loc, scalar_text, string_list, wrong_type};

const COLLECTION_KEYS: &[&str] = &[
    "name",
    "description",
    "variables",
    "secrets",
    "headers",
    "auth",
    "items",
];
const FOLDER_KEYS: &[&str] = &[
    "name",
    "description",
    "variables",
    "when",
    "headers",
    "auth",
    "items",
    "tags",
];
const INCLUDE_KEYS: &[&str] = &["include", "name", "variables"];
const REQUEST_KEYS: &[&str] = &[
    "name",
    "description",
    "method",
    "url",
    "query",
    "headers",
    "auth",
    "json",
    "form",
    "body",
    "when",
    "delay",
    "timeout",
    "tags",
    "capture",
    "expect",
];
const ENV_KEYS: &[&str] = &["name", "variables", "secrets"];
const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// Reads and parses a collection file.
pub fn load_collection(path: &Path, templates: &mut Templates) -> Result<Collection, Error> {
    let file = read(path)?;
    let node = document(&file)?;
    let mut p = Parser {
        file: file.clone(),
        templates,
        includes: vec![canonical(path)],
        paths: Default::default(),
    };
    p.collection(node).map_err(Error::from)
}

/// Parses collection text (for tests and tools).
pub fn parse_collection(
    file: Arc<SourceFile>,
    templates: &mut Templates,
) -> Result<Collection, Error> {
    let node = document(&file)?;
    let path = file.path.clone();
    let mut p = Parser {
        file,
        templates,
        includes: vec![path],
        paths: Default::default(),
    };
    p.collection(node).map_err(Error::from)
}

/// Reads and parses an environment file.
pub fn load_environment(path: &Path, templates: &mut Templates) -> Result<Environment, Error> {
    let file = read(path)?;
    let node = document(&file)?;
    let mut p = Parser {
        file: file.clone(),
        templates,
        includes: vec![],
        paths: Default::default(),
    };
    let f = Fields::new(&file, &node, ENV_KEYS, "an environment")?;
    let name = f
        .opt_str(&file, "name")?
        .unwrap_or_else(|| path.display().to_string());
    let variables = match f.get("variables") {
        Some(n) => p.vars(n)?,
        None => Vars::default(),
    };
    let secrets = match f.get("secrets") {
        Some(n) => string_list(&file, n, "a secret name")?,
        None => vec![],
    };
    Ok(Environment {
        name,
        variables,
        secrets,
    })
}

fn read(path: &Path) -> Result<Arc<SourceFile>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut text = String::from_utf8(bytes).map_err(|_| {
        Error::Usage(format!(
            "{}: the file is not valid UTF-8 text",
            path.display()
        ))
    })?;
    // Editors on Windows may start files with a byte-order mark; it is not part of the YAML.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(SourceFile::new(path, text))
}

fn document(file: &Arc<SourceFile>) -> Result<Node, Diagnostic> {
    yaml::parse(file)?.ok_or_else(|| {
        Diagnostic::new(
            file,
            crate::source::Span::new(1, 1, 1),
            "the file is empty",
            "nothing here",
        )
        .with_help("a collection needs at least `name:` and `items:`")
    })
}

/// A URL without templates can be checked at load time.
fn check_literal_url(file: &Arc<SourceFile>, node: &Node, text: &str) -> Result<(), Diagnostic> {
    let bad = |why: String| {
        Diagnostic::new(file, node.span, format!("invalid URL {text:?}"), why)
            .with_help("use an absolute http:// or https:// URL, e.g. https://api.example.com/path, or a template such as \"{{ base_url }}/path\"")
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!("unsupported scheme `{}`", url.scheme())));
    }
    Ok(())
}

/// Removes and returns a key's value from a mapping node.
fn take(node: &mut Node, key: &str) -> Option<Node> {
    let Kind::Map(entries) = &mut node.kind else {
        return None;
    };
    let i = entries.iter().position(|(k, _, _)| k == key)?;
    Some(entries.remove(i).2)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// What a folder hands down to its items.
#[derive(Clone)]
struct Inherited {
    folder: Vec<String>,
    headers: Vec<(String, Tpl)>,
    auth: Auth,
    vars: Arc<Vars>,
    tags: Vec<String>,
    when: Vec<Tpl>,
}

struct Parser<'t> {
    file: Arc<SourceFile>,
    templates: &'t mut Templates,
    includes: Vec<PathBuf>,
    /// Compiled JSONPaths by text: a path used by many requests is parsed and stored once.
    paths: std::collections::HashMap<String, Arc<jsonpath_rust::parser::model::JpQuery>>,
}

impl Parser<'_> {
    fn collection(&mut self, mut node: Node) -> Result<Collection, Diagnostic> {
        let file = self.file.clone();
        // The items are converted one by one and their YAML dropped as we go, so the tree and
        // the model are not both whole in memory.
        let items = take(&mut node, "items");
        let f = Fields::new(&file, &node, COLLECTION_KEYS, "a collection")?;
        let name = f.req_str(&file, "name", "the collection")?;
        let description = f.opt_str(&file, "description")?;
        let mut secrets = match f.get("secrets") {
            Some(n) => string_list(&file, n, "a secret name")?,
            None => vec![],
        };
        let base = Inherited {
            folder: vec![],
            headers: vec![],
            auth: Auth::None,
            vars: Arc::new(Vars::default()),
            tags: vec![],
            when: vec![],
        };
        let mut inherited = self.scope(&f, &base)?;
        inherited.vars = self.overlay(&f, &base.vars)?;
        let variables = inherited.vars.clone();
        let items = items.ok_or_else(|| {
            Diagnostic::new(
                &file,
                node.span,
                "the collection has no `items`",
                "add `items:` with at least one request",
            )
        })?;
        let mut requests = Vec::new();
        self.items(items, &inherited, &mut requests, &mut secrets)?;
        Ok(Collection {
            file,
            name,
            description,
            requests,
            secrets,
            variables,
        })
    }

    /// A level's `variables` over the ones it inherits (the level wins).
    fn overlay(&mut self, f: &Fields<'_>, parent: &Arc<Vars>) -> Result<Arc<Vars>, Diagnostic> {
        let Some(n) = f.get("variables") else {
            return Ok(parent.clone());
        };
        let mut merged = (**parent).clone();
        for (k, v) in self.vars(n)? {
            merged.insert(k, v);
        }
        Ok(Arc::new(merged))
    }

    /// Applies a level's `headers` and `auth` on top of what it inherits.
    fn scope(&mut self, f: &Fields<'_>, parent: &Inherited) -> Result<Inherited, Diagnostic> {
        let mut out = parent.clone();
        if let Some(n) = f.get("headers") {
            out.headers = self.headers(n, &parent.headers)?;
        }
        if let Some(n) = f.get("auth") {
            out.auth = self.auth(n)?;
        }
        Ok(out)
    }

    fn vars(&mut self, node: &Node) -> Result<Vars, Diagnostic> {
        let file = self.file.clone();
        let mut out = Vars::default();
        for (k, span, v) in entries(&file, node, "`variables`")? {
            check_name(&file, *span, k)?;
            out.insert(
                k.clone(),
                self.templates.compile_node(v, &loc(&file, v.span), true)?,
            );
        }
        Ok(out)
    }

    fn headers(
        &mut self,
        node: &Node,
        inherited: &[(String, Tpl)],
    ) -> Result<Vec<(String, Tpl)>, Diagnostic> {
        let file = self.file.clone();
        let mut out: Vec<(String, Tpl)> = inherited.to_vec();
        for (name, span, v) in entries(&file, node, "`headers`")? {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(Diagnostic::new(
                    &file,
                    *span,
                    format!("`{name}` is not a valid header name"),
                    "here",
                ));
            }
            let text = scalar_text(&file, v, "a header value")?;
            let tpl = self
                .templates
                .compile_str(&text, &loc(&file, v.span), v.style, false)?;
            out.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            out.push((name.clone(), tpl));
        }
        Ok(out)
    }

    fn auth(&mut self, node: &Node) -> Result<Auth, Diagnostic> {
        let file = self.file.clone();
        if let Some(s) = node.as_str() {
            return if s == "none" {
                Ok(Auth::None)
            } else {
                Err(Diagnostic::new(&file, node.span, format!("unknown auth `{s}`"), "here")
                    .with_help("use `none`, `{ bearer: TOKEN }` or `{ basic: { username: U, password: P } }`"))
            };
        }
        let f = Fields::new(&file, node, &["bearer", "basic"], "`auth`")?;
        if let Some(t) = f.get("bearer") {
            let text = scalar_text(&file, t, "`bearer`")?;
            return Ok(Auth::Bearer(self.templates.compile_str(
                &text,
                &loc(&file, t.span),
                t.style,
                false,
            )?));
        }
        if let Some(b) = f.get("basic") {
            let bf = Fields::new(&file, b, &["username", "password"], "`auth.basic`")?;
            let mut part = |key: &str| -> Result<Tpl, Diagnostic> {
                match bf.get(key) {
                    Some(n) => {
                        let text = scalar_text(&file, n, key)?;
                        self.templates
                            .compile_str(&text, &loc(&file, n.span), n.style, false)
                    }
                    None if key == "password" => Ok(Tpl::Lit(Value::String(String::new()))),
                    None => Err(Diagnostic::new(
                        &file,
                        b.span,
                        "`basic` auth needs `username`",
                        "here",
                    )),
                }
            };
            let username = part("username")?;
            let password = part("password")?;
            return Ok(Auth::Basic { username, password });
        }
        Err(Diagnostic::new(&file, node.span, "`auth` is empty", "here")
            .with_help("use `none`, `{ bearer: … }` or `{ basic: … }`"))
    }

    fn items(
        &mut self,
        node: Node,
        inherited: &Inherited,
        out: &mut Vec<Arc<Request>>,
        secrets: &mut Vec<String>,
    ) -> Result<(), Diagnostic> {
        let file = self.file.clone();
        let Kind::Seq(items) = node.kind else {
            return Err(wrong_type(
                &file,
                &node,
                "`items` must be a list of requests and folders",
            ));
        };
        for mut item in items {
            let Kind::Map(e) = &item.kind else {
                return Err(wrong_type(
                    &file,
                    &item,
                    "each item must be a mapping (a request, a folder or an include)",
                ));
            };
            let has = |k: &str| e.iter().any(|(key, _, _)| key == k);
            if has("include") {
                self.include(&item, inherited, out, secrets)?;
            } else if has("items") {
                let children = take(&mut item, "items").unwrap_or_else(|| item.clone());
                let f = Fields::new(&file, &item, FOLDER_KEYS, "a folder")?;
                let name = f.req_str(&file, "name", "the folder")?;
                let mut scope = self.scope(&f, inherited)?;
                scope.vars = self.overlay(&f, &inherited.vars)?;
                scope.folder.push(name);
                if let Some(t) = f.get("tags") {
                    scope.tags.extend(string_list(&file, t, "a tag")?);
                }
                if let Some(w) = f.get("when") {
                    let w = self.when(w)?;
                    scope.when.push(w);
                }
                self.items(children, &scope, out, secrets)?;
            } else {
                out.push(Arc::new(self.request(&item, inherited)?));
            }
        }
        Ok(())
    }

    fn include(
        &mut self,
        item: &Node,
        inherited: &Inherited,
        out: &mut Vec<Arc<Request>>,
        secrets: &mut Vec<String>,
    ) -> Result<(), Diagnostic> {
        let file = self.file.clone();
        let f = Fields::new(&file, item, INCLUDE_KEYS, "an include")?;
        let target = f.req_str(&file, "include", "the include")?;
        let span = f.get("include").map_or(item.span, |n| n.span);
        let path = file.dir().join(&target);
        let canon = canonical(&path);
        if self.includes.contains(&canon) {
            return Err(Diagnostic::new(&file, span, format!("`{target}` includes itself"), "include cycle")
                .with_help("an included collection must not include, directly or not, the file that includes it"));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::new(
                &file,
                span,
                format!("cannot read `{}`: {e}", path.display()),
                "included here",
            )
            .with_help("include paths are relative to the including file")
        })?;
        let inc_file = SourceFile::new(
            path,
            text.strip_prefix('\u{feff}').unwrap_or(&text).to_string(),
        );
        let node = document(&inc_file)?;
        let saved = std::mem::replace(&mut self.file, inc_file.clone());
        self.includes.push(canon);
        let result = self.included(&inc_file, &node, inherited, secrets);
        self.file = saved.clone();
        let outcome = result.and_then(|(mut scope, items)| {
            // The include item's own `name` and `variables` win over the included file's.
            if let Some(name) = f.opt_str(&saved, "name")? {
                scope.folder.pop();
                scope.folder.push(name);
            }
            scope.vars = self.overlay(&f, &scope.vars)?;
            self.file = inc_file.clone();
            self.items(items, &scope, out, secrets)
        });
        self.includes.pop();
        self.file = saved;
        outcome
    }

    /// The scope and items of an included collection. Its variables are defaults: the
    /// including side's variables win, so a shared login can be pointed anywhere.
    fn included(
        &mut self,
        inc_file: &Arc<SourceFile>,
        node: &Node,
        inherited: &Inherited,
        secrets: &mut Vec<String>,
    ) -> Result<(Inherited, Node), Diagnostic> {
        let inc = Fields::new(inc_file, node, COLLECTION_KEYS, "a collection")?;
        let inc_name = inc.req_str(inc_file, "name", "the collection")?;
        if let Some(n) = inc.get("secrets") {
            secrets.extend(string_list(inc_file, n, "a secret name")?);
        }
        let mut scope = self.scope(&inc, inherited)?;
        if let Some(v) = inc.get("variables") {
            let mut merged = (*inherited.vars).clone();
            for (k, t) in self.vars(v)? {
                merged.entry(k).or_insert(t);
            }
            scope.vars = Arc::new(merged);
        }
        scope.folder.push(inc_name);
        let items = inc.get("items").ok_or_else(|| {
            Diagnostic::new(
                inc_file,
                node.span,
                "the included collection has no `items`",
                "here",
            )
        })?;
        Ok((scope, items.clone()))
    }

    fn request(&mut self, node: &Node, inherited: &Inherited) -> Result<Request, Diagnostic> {
        let file = self.file.clone();
        let f = Fields::new(&file, node, REQUEST_KEYS, "a request")?;
        let name = f.req_str(&file, "name", "the request")?;
        let url_node = f.get("url").ok_or_else(|| {
            Diagnostic::new(
                &file,
                node.span,
                format!("request `{name}` has no `url`"),
                "add `url:` here",
            )
            .with_help("a folder has `items:`; a request has `url:`")
        })?;
        let url_text = scalar_text(&file, url_node, "`url`")?;
        let url = self.templates.compile_str(
            &url_text,
            &loc(&file, url_node.span),
            url_node.style,
            false,
        )?;
        if let Tpl::Lit(Value::String(literal)) = &url {
            check_literal_url(&file, url_node, literal)?;
        }
        let method = match f.get("method") {
            Some(m) => self.method(m)?,
            None => "GET".to_string(),
        };
        let mut tags = inherited.tags.clone();
        if let Some(t) = f.get("tags") {
            tags.extend(string_list(&file, t, "a tag")?);
        }
        // Only what the request overrides is built anew; the rest is shared with its folder.
        let headers = match f.get("headers") {
            Some(n) => self.headers(n, &inherited.headers)?,
            None => inherited.headers.clone(),
        };
        let auth = match f.get("auth") {
            Some(n) => self.auth(n)?,
            None => inherited.auth.clone(),
        };
        Ok(Request {
            loc: loc(&file, node.span),
            description: f.opt_str(&file, "description")?,
            method,
            url,
            query: match f.get("query") {
                Some(q) => self.pairs(q, "`query`", true)?,
                None => vec![],
            },
            headers,
            auth,
            body: self.body(&f)?,
            when: {
                let mut all = inherited.when.clone();
                if let Some(w) = f.get("when") {
                    all.push(self.when(w)?);
                }
                all
            },
            delay: f.get("delay").map(|d| duration(&file, d)).transpose()?,
            timeout: f.get("timeout").map(|d| duration(&file, d)).transpose()?,
            tags,
            vars: inherited.vars.clone(),
            captures: match f.get("capture") {
                Some(c) => self.captures(c)?,
                None => vec![],
            },
            expect: match f.get("expect") {
                Some(e) => self.expect(e)?,
                None => vec![],
            },
            folder: inherited.folder.clone(),
            name,
        })
    }

    fn when(&mut self, w: &Node) -> Result<Tpl, Diagnostic> {
        match &w.kind {
            Kind::Scalar(Value::Bool(b)) => Ok(Tpl::Lit(Value::Bool(*b))),
            _ => {
                let text = scalar_text(&self.file, w, "`when`")?;
                self.templates
                    .compile_expr(&text, &loc(&self.file, w.span), w.style)
            }
        }
    }

    fn method(&self, m: &Node) -> Result<String, Diagnostic> {
        let text = scalar_text(&self.file, m, "`method`")?.to_ascii_uppercase();
        let token_ok = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
        if METHODS.contains(&text.as_str()) {
            return Ok(text);
        }
        // A near miss of a standard method is a typo (`POTS`); other tokens are custom methods
        // (Postman's own tests use `POSTMAN`).
        let near = did_you_mean(&text, METHODS).filter(|m| {
            m.len().abs_diff(text.len()) <= 1 && crate::source::levenshtein(m, &text) <= 2
        });
        if !token_ok || near.is_some() {
            let d = Diagnostic::new(
                &self.file,
                m.span,
                format!("unknown HTTP method `{text}`"),
                "here",
            );
            return Err(match near {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("one of {}", METHODS.join(", "))),
            });
        }
        Ok(text)
    }

    /// `query:` and `form:` maps; with `repeat`, a list value repeats the key.
    fn pairs(
        &mut self,
        node: &Node,
        what: &str,
        repeat: bool,
    ) -> Result<Vec<(String, Tpl)>, Diagnostic> {
        let file = self.file.clone();
        let mut out = Vec::new();
        for (k, _, v) in entries(&file, node, what)? {
            let values: Vec<&Node> = match &v.kind {
                Kind::Seq(items) if repeat => items.iter().collect(),
                _ => vec![v],
            };
            for n in values {
                let tpl = match &n.kind {
                    Kind::Scalar(Value::String(s)) => {
                        self.templates
                            .compile_str(s, &loc(&file, n.span), n.style, false)?
                    }
                    Kind::Scalar(Value::Null) => Tpl::Lit(Value::String(String::new())),
                    Kind::Scalar(v) => Tpl::Lit(Value::String(v.to_string())),
                    _ => {
                        return Err(wrong_type(
                            &file,
                            n,
                            &format!("values in {what} must be text or numbers"),
                        ));
                    }
                };
                out.push((k.clone(), tpl));
            }
        }
        Ok(out)
    }

    fn body(&mut self, f: &Fields<'_>) -> Result<Option<Body>, Diagnostic> {
        let file = self.file.clone();
        let present: Vec<&str> = ["json", "form", "body"]
            .into_iter()
            .filter(|k| f.has(k))
            .collect();
        if present.len() > 1 {
            let span = f.key_span(present[1]).unwrap_or(f.node.span);
            return Err(Diagnostic::new(
                &file,
                span,
                format!(
                    "a request takes one body, found `{}` and `{}`",
                    present[0], present[1]
                ),
                "second body",
            )
            .with_help("keep one of `json`, `form` and `body`"));
        }
        Ok(match present.first() {
            Some(&"json") => {
                let n = f.get("json").unwrap_or(f.node);
                Some(Body::Json(self.templates.compile_node(
                    n,
                    &loc(&file, n.span),
                    true,
                )?))
            }
            Some(&"form") => Some(Body::Form(self.pairs(
                f.get("form").unwrap_or(f.node),
                "`form`",
                true,
            )?)),
            Some(_) => {
                let n = f.get("body").unwrap_or(f.node);
                let text = scalar_text(&file, n, "`body`")?;
                Some(Body::Raw(self.templates.compile_str(
                    &text,
                    &loc(&file, n.span),
                    n.style,
                    false,
                )?))
            }
            None => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Collection, Error> {
        parse_collection(SourceFile::new("t.yaml", text), &mut Templates::new())
    }

    fn diag(text: &str) -> Diagnostic {
        match parse_str(text) {
            Err(Error::Input(d)) => *d,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_key_suggests() {
        let d = diag(
            "name: x\nitems:\n  - name: a\n    url: http://x\n    expect:\n      statsu: 200\n",
        );
        assert_eq!((d.span.line, d.span.col), (6, 7));
        assert_eq!(d.help.as_deref(), Some("did you mean `status`?"));
    }

    #[test]
    fn folders_inherit_headers_auth_and_vars() {
        let c = parse_str(
            "name: x\nheaders: {A: '1'}\nauth: {bearer: t}\nvariables: {v: 1}\nitems:\n  - name: f\n    variables: {w: 2}\n    headers: {B: '2'}\n    items:\n      - name: r\n        url: http://x\n      - name: s\n        url: http://x\n        auth: none\n",
        ).unwrap();
        let r = &c.requests[0];
        assert_eq!(r.folder, vec!["f"]);
        assert_eq!(r.headers.len(), 2);
        assert!(matches!(r.auth, Auth::Bearer(_)));
        assert!(r.vars.contains_key("v") && r.vars.contains_key("w"));
        assert!(matches!(c.requests[1].auth, Auth::None));
    }

    #[test]
    fn bad_jsonpath_is_located() {
        let d =
            diag("name: x\nitems:\n  - name: a\n    url: http://x\n    capture:\n      t: $.[\n");
        assert!(d.message.contains("invalid JSONPath"), "{}", d.message);
        assert_eq!(d.span.line, 6);
    }

    #[test]
    fn two_bodies_are_refused() {
        let d =
            diag("name: x\nitems:\n  - name: a\n    url: http://x\n    json: {}\n    body: x\n");
        assert!(d.message.contains("one body"));
    }
}
