//! `runner` YAML → a Postman v2.1 collection. Captures and assertions become `pm.*` test
//! scripts in exactly the forms the importer reads back, and `# postman …` comments (script
//! lines an import could not translate) go back into their scripts, so import → export →
//! import gives the same YAML.

use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde_json::{Value, json};

use crate::source::SourceFile;
use crate::yaml::{Kind, Node};

static VAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([^{}]+?)\s*\}\}").expect("valid regex"));
static PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\['(?:[^'\\]|\\.)*'\]|\["[^"]*"\])*)$"#)
        .expect("valid regex")
});
static SEG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["([^"]*)"\]"#)
        .expect("valid regex")
});

/// A script comment the importer left: which script, which item it belongs to, the line.
struct Kept {
    line: usize,
    kind: String,
    text: String,
}

struct Exporter {
    file: Arc<SourceFile>,
    kept: Vec<Kept>,
    /// Start lines of every item, sorted.
    starts: Vec<usize>,
    warnings: Vec<String>,
}

/// A collection file → Postman JSON and warnings.
pub fn collection(file: Arc<SourceFile>) -> Result<(Value, Vec<String>), crate::error::Error> {
    // Refuse what `runner` itself would refuse, with the same located errors.
    crate::parse::parse_collection(file.clone(), &mut crate::template::Templates::new())?;
    let root = crate::yaml::parse(&file)?
        .ok_or_else(|| crate::error::Error::Usage("empty collection".into()))?;
    let kept = file
        .text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let rest = l.trim_start().strip_prefix("# postman ")?;
            let (kind, text) = rest.split_once(": ")?;
            Some(Kept {
                line: i + 1,
                kind: kind.to_string(),
                text: text.to_string(),
            })
        })
        .collect();
    let mut ex = Exporter {
        file,
        kept,
        starts: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(items) = get(&root, "items") {
        ex.collect_starts(items);
    }
    ex.starts.sort_unstable();
    let out = ex.top(&root);
    Ok((out, ex.warnings))
}

fn get<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
    match &n.kind {
        Kind::Map(e) => e.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
        _ => None,
    }
}

fn text(n: Option<&Node>) -> Option<String> {
    n.map(|n| match &n.kind {
        Kind::Scalar(Value::String(s)) => s.clone(),
        Kind::Scalar(v) => v.to_string(),
        _ => String::new(),
    })
}

/// `{{ name }}` → `{{name}}`; helpers back to Postman's dynamic variables.
fn postman_template(s: &str) -> String {
    VAR.replace_all(s, |c: &regex::Captures<'_>| {
        let inner = c[1].trim();
        match inner {
            "uuid()" => "{{$guid}}".to_string(),
            "timestamp()" => "{{$timestamp}}".to_string(),
            "random_int(0, 1000)" => "{{$randomInt}}".to_string(),
            "now('%Y-%m-%dT%H:%M:%SZ')" => "{{$isoTimestamp}}".to_string(),
            "'{%'" => "{%".to_string(),
            "'{#'" => "{#".to_string(),
            _ => format!("{{{{{inner}}}}}"),
        }
    })
    .into_owned()
}

fn postman_value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(postman_template(s)),
        Value::Array(a) => Value::Array(a.iter().map(postman_value).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), postman_value(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl Exporter {
    fn collect_starts(&mut self, items: &Node) {
        if let Kind::Seq(list) = &items.kind {
            for item in list {
                self.starts.push(item.span.line);
                if let Some(children) = get(item, "items") {
                    self.collect_starts(children);
                }
            }
        }
    }

    /// Kept script lines of the item starting at `start` (or the collection, for `None`).
    fn kept_for(&self, start: Option<usize>, kind: &str) -> Vec<String> {
        self.kept
            .iter()
            .filter(|k| k.kind == kind)
            .filter(|k| {
                let owner = self.starts.iter().rev().find(|s| **s <= k.line).copied();
                owner == start
            })
            .map(|k| k.text.clone())
            .collect()
    }

    fn events(&self, start: Option<usize>, mut test: Vec<String>, mut pre: Vec<String>) -> Value {
        pre.extend(self.kept_for(start, "prerequest"));
        test.extend(self.kept_for(start, "test"));
        let mut out = Vec::new();
        for (listen, lines) in [("prerequest", pre), ("test", test)] {
            if !lines.is_empty() {
                out.push(
                    json!({"listen": listen, "script": {"type": "text/javascript", "exec": lines}}),
                );
            }
        }
        Value::Array(out)
    }

    fn top(&mut self, root: &Node) -> Value {
        let mut info = json!({
            "name": text(get(root, "name")).unwrap_or_default(),
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        });
        if let Some(d) = text(get(root, "description")) {
            info["description"] = Value::String(d);
        }
        let mut out = json!({"info": info});
        if let Some(Kind::Map(vars)) = get(root, "variables").map(|n| &n.kind) {
            out["variable"] = Value::Array(
                vars.iter()
                    .map(|(k, _, v)| json!({"key": k, "value": postman_value(&v.to_json())}))
                    .collect(),
            );
        }
        if get(root, "secrets").is_some() {
            self.warnings.push(
                "`secrets` has no Postman equivalent: mark those variables secret in Postman"
                    .into(),
            );
        }
        let headers = self.level_headers(root);
        if let Some(a) = self.auth(root, &headers, None) {
            out["auth"] = a;
        }
        let push_headers = if get(root, "auth").is_none() && headers.len() == 1 {
            vec![]
        } else {
            headers
        };
        let events = self.events(None, vec![], vec![]);
        if events.as_array().is_some_and(|a| !a.is_empty()) {
            out["event"] = events;
        }
        out["item"] = self.items(get(root, "items"), &push_headers);
        out
    }

    fn level_headers(&self, n: &Node) -> Vec<(String, String)> {
        match get(n, "headers").map(|h| &h.kind) {
            Some(Kind::Map(e)) => e
                .iter()
                .map(|(k, _, v)| {
                    (
                        k.clone(),
                        postman_template(&text(Some(v)).unwrap_or_default()),
                    )
                })
                .collect(),
            _ => vec![],
        }
    }

    /// A level's auth. Postman has no collection or folder headers: one header at a level
    /// without auth is written as an API-key auth (how the importer reads API keys back).
    fn auth(
        &mut self,
        n: &Node,
        headers: &[(String, String)],
        start: Option<usize>,
    ) -> Option<Value> {
        let Some(a) = get(n, "auth") else {
            if let [(k, v)] = headers {
                return Some(
                    json!({"type": "apikey", "apikey": [{"key": "key", "value": k}, {"key": "value", "value": v}, {"key": "in", "value": "header"}]}),
                );
            }
            if !headers.is_empty() {
                self.warnings.push("headers on a collection or folder are copied onto each of its requests (Postman has no level headers)".into());
            }
            return self.kept_auth(start);
        };
        if a.as_str() == Some("none") {
            return Some(json!({"type": "noauth"}));
        }
        if let Some(t) = text(get(a, "bearer")) {
            return Some(
                json!({"type": "bearer", "bearer": [{"key": "token", "value": postman_template(&t), "type": "string"}]}),
            );
        }
        let b = get(a, "basic")?;
        let u = postman_template(&text(get(b, "username")).unwrap_or_default());
        let p = postman_template(&text(get(b, "password")).unwrap_or_default());
        Some(
            json!({"type": "basic", "basic": [{"key": "username", "value": u, "type": "string"}, {"key": "password", "value": p, "type": "string"}]}),
        )
    }

    /// An auth the importer kept as a comment (`# postman auth (oauth2, …): {json}`).
    fn kept_auth(&self, start: Option<usize>) -> Option<Value> {
        self.kept
            .iter()
            .filter(|k| k.kind.starts_with("auth"))
            .find_map(|k| {
                let owner = self.starts.iter().rev().find(|s| **s <= k.line).copied();
                (owner == start)
                    .then(|| serde_json::from_str(&k.text).ok())
                    .flatten()
            })
    }

    fn items(&mut self, items: Option<&Node>, inherited_headers: &[(String, String)]) -> Value {
        let mut out = Vec::new();
        if let Some(Kind::Seq(list)) = items.map(|n| &n.kind) {
            for item in list {
                if let Some(inc) = text(get(item, "include")) {
                    out.push(self.include(item, &inc));
                } else if get(item, "items").is_some() {
                    out.push(self.folder(item, inherited_headers));
                } else {
                    out.push(self.request(item, inherited_headers));
                }
            }
        }
        Value::Array(out)
    }

    fn include(&mut self, item: &Node, target: &str) -> Value {
        let path = self.file.dir().join(target);
        let Ok(src) = std::fs::read_to_string(&path) else {
            self.warnings
                .push(format!("cannot read included {}; left out", path.display()));
            return json!({"name": target, "item": []});
        };
        let inc = SourceFile::new(path, src);
        match collection(inc) {
            Ok((c, w)) => {
                self.warnings.extend(w);
                let name = text(get(item, "name"))
                    .or_else(|| c["info"]["name"].as_str().map(str::to_string))
                    .unwrap_or_default();
                let mut folder = json!({"name": name, "item": c["item"].clone()});
                if let Some(a) = c.get("auth") {
                    folder["auth"] = a.clone();
                }
                folder
            }
            Err(e) => {
                self.warnings.push(format!("included {target}: {e}"));
                json!({"name": target, "item": []})
            }
        }
    }

    fn folder(&mut self, n: &Node, inherited: &[(String, String)]) -> Value {
        let mut f = json!({"name": text(get(n, "name")).unwrap_or_default()});
        if let Some(d) = text(get(n, "description")) {
            f["description"] = Value::String(d);
        }
        let headers = self.level_headers(n);
        if let Some(a) = self.auth(n, &headers, Some(n.span.line)) {
            f["auth"] = a;
        }
        let mut pass: Vec<(String, String)> = inherited.to_vec();
        if !(get(n, "auth").is_none() && headers.len() == 1) {
            pass.extend(headers);
        }
        let mut pre = Vec::new();
        if let Some(w) = text(get(n, "when")) {
            pre.push(format!("// runner when: {w}"));
            self.warnings.push(format!(
                "`when` on folder {} has no Postman equivalent; written as a comment",
                text(get(n, "name")).unwrap_or_default()
            ));
        }
        let events = self.events(Some(n.span.line), vec![], pre);
        if events.as_array().is_some_and(|a| !a.is_empty()) {
            f["event"] = events;
        }
        f["item"] = self.items(get(n, "items"), &pass);
        f
    }

    fn request(&mut self, n: &Node, inherited: &[(String, String)]) -> Value {
        let name = text(get(n, "name")).unwrap_or_default();
        let method = text(get(n, "method"))
            .unwrap_or_else(|| "GET".into())
            .to_ascii_uppercase();
        let mut headers: Vec<Value> = inherited
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        for (k, v) in self.level_headers(n) {
            headers.retain(|h| !h["key"].as_str().unwrap_or("").eq_ignore_ascii_case(&k));
            headers.push(json!({"key": k, "value": v}));
        }
        let mut req = json!({"method": method, "header": headers, "url": self.url(n)});
        if let Some(d) = text(get(n, "description")) {
            req["description"] = Value::String(d);
        }
        if let Some(a) = self.auth(n, &[], Some(n.span.line)) {
            req["auth"] = a;
        }
        if let Some(b) = self.body_with_notes(n) {
            req["body"] = b;
        }
        let mut pre = Vec::new();
        for key in ["when", "delay", "timeout", "tags"] {
            if let Some(v) = get(n, key) {
                pre.push(format!("// runner {key}: {}", v.to_json()));
                self.warnings.push(format!(
                    "{name}: `{key}` has no Postman equivalent; written as a comment"
                ));
            }
        }
        let mut test = Vec::new();
        if let Some(c) = get(n, "capture") {
            self.captures(c, &mut test, &name);
        }
        if let Some(e) = get(n, "expect") {
            self.expect(e, &mut test, &name);
        }
        let mut item = json!({"name": name, "request": req});
        let events = self.events(Some(n.span.line), test, pre);
        if events.as_array().is_some_and(|a| !a.is_empty()) {
            item["event"] = events;
        }
        item
    }

    fn url(&self, n: &Node) -> Value {
        let base = postman_template(&text(get(n, "url")).unwrap_or_default());
        let mut query = Vec::new();
        if let Some(Kind::Map(q)) = get(n, "query").map(|q| &q.kind) {
            for (k, _, v) in q {
                let values = pair_values(v);
                for value in values {
                    query.push(
                        json!({"key": postman_template(k), "value": postman_template(&value)}),
                    );
                }
            }
        }
        let qs: Vec<String> = query
            .iter()
            .map(|q| {
                format!(
                    "{}={}",
                    q["key"].as_str().unwrap_or(""),
                    q["value"].as_str().unwrap_or("")
                )
            })
            .collect();
        let raw = if qs.is_empty() {
            base.clone()
        } else {
            format!("{base}?{}", qs.join("&"))
        };
        let (host, path) = split_url(&base);
        let mut u = json!({"raw": raw, "host": host, "path": path});
        if let Some((proto, _)) = base.split_once("://")
            && !proto.contains('{')
        {
            u["protocol"] = Value::String(proto.to_string());
        }
        if !query.is_empty() {
            u["query"] = Value::Array(query);
        }
        u
    }

    fn captures(&mut self, c: &Node, out: &mut Vec<String>, name: &str) {
        let Kind::Map(entries) = &c.kind else { return };
        for (var, _, v) in entries {
            let value = if let Some(p) = v.as_str() {
                js_json(p)
            } else if let Some(p) = text(get(v, "json")) {
                js_json(&p)
            } else if let Some(h) = text(get(v, "header")) {
                Some(format!("pm.response.headers.get({})", js_string(&h)))
            } else if get(v, "status").is_some() {
                Some("pm.response.code".into())
            } else if get(v, "body").is_some() {
                Some("pm.response.text()".into())
            } else {
                None
            };
            match value {
                Some(expr) => out.push(format!("pm.environment.set({}, {expr});", js_string(var))),
                None => {
                    self.warnings.push(format!("{name}: capture `{var}` cannot be written as a Postman script; kept as a comment"));
                    out.push(format!("// runner capture {var}: {}", v.to_json()));
                }
            }
        }
    }

    fn expect(&mut self, e: &Node, out: &mut Vec<String>, name: &str) {
        let Kind::Map(sections) = &e.kind else { return };
        for (section, _, v) in sections {
            match section.as_str() {
                "status" => self.status(v, out, name),
                "json" | "headers" => {
                    if let Kind::Map(keys) = &v.kind {
                        for (key, _, m) in keys {
                            let subject = if section == "json" {
                                js_json(key)
                            } else {
                                Some(format!("pm.response.headers.get({})", js_string(key)))
                            };
                            match subject {
                                Some(s) => self.matcher(
                                    &s,
                                    &format!("{section} {key}"),
                                    m,
                                    out,
                                    name,
                                    section == "headers",
                                ),
                                None => {
                                    self.untranslatable(out, name, &format!("{section} {key}"), m)
                                }
                            }
                        }
                    }
                }
                "body" => self.matcher("pm.response.text()", "body", v, out, name, false),
                _ => self.duration(v, out, name),
            }
        }
    }

    fn untranslatable(&mut self, out: &mut Vec<String>, name: &str, what: &str, v: &Node) {
        self.warnings.push(format!(
            "{name}: assertion `{what}` cannot be written as a Postman script; kept as a comment"
        ));
        out.push(format!("// runner expect {what}: {}", v.to_json()));
    }

    fn status(&mut self, v: &Node, out: &mut Vec<String>, name: &str) {
        match &v.kind {
            Kind::Scalar(Value::Number(n)) => out.push(format!(
                "pm.test(\"status is {n}\", () => pm.response.to.have.status({n}));"
            )),
            Kind::Scalar(Value::String(s)) if s.eq_ignore_ascii_case("2xx") => {
                out.push("pm.test(\"status is 2xx\", () => pm.response.to.be.ok);".into())
            }
            Kind::Seq(_) => {
                let list = v.to_json();
                out.push(format!("pm.test(\"status is one of {}\", () => pm.expect(pm.response.code).to.be.oneOf({list}));", list.to_string().replace('"', "'")));
            }
            Kind::Map(_) => self.matcher("pm.response.code", "status", v, out, name, false),
            _ => self.untranslatable(out, name, "status", v),
        }
    }

    fn duration(&mut self, v: &Node, out: &mut Vec<String>, name: &str) {
        let Kind::Map(ops) = &v.kind else {
            return self.untranslatable(out, name, "duration", v);
        };
        for (op, _, val) in ops {
            let ms = match &val.kind {
                Kind::Scalar(Value::Number(n)) => n.as_f64(),
                Kind::Scalar(Value::String(s)) => humantime::parse_duration(s.trim())
                    .ok()
                    .map(|d| d.as_secs_f64() * 1000.0),
                _ => None,
            };
            let chain = match op.as_str() {
                "lt" => "be.below",
                "lte" => "be.at.most",
                "gt" => "be.above",
                "gte" => "be.at.least",
                _ => "",
            };
            match ms {
                Some(ms) if !chain.is_empty() => {
                    out.push(format!("pm.test(\"duration {op} {ms}\", () => pm.expect(pm.response.responseTime).to.{chain}({ms}));"));
                }
                _ => self.untranslatable(out, name, "duration", v),
            }
        }
    }

    fn matcher(
        &mut self,
        subject: &str,
        what: &str,
        m: &Node,
        out: &mut Vec<String>,
        name: &str,
        header: bool,
    ) {
        let ops: Vec<(String, &Node)> = match &m.kind {
            Kind::Map(e)
                if e.iter()
                    .any(|(k, _, _)| crate::parse::OPS.contains(&k.as_str())) =>
            {
                e.iter().map(|(k, _, v)| (k.clone(), v)).collect()
            }
            _ => vec![("equals".to_string(), m)],
        };
        let label = what.replace('"', "'");
        for (op, v) in ops {
            let val = || js_literal(&v.to_json());
            let chain = match op.as_str() {
                "equals" => Some(format!("to.eql({})", val())),
                "not_equals" => Some(format!("to.not.eql({})", val())),
                "exists" if header => {
                    if v.to_json() == Value::Bool(true) {
                        out.push(format!(
                            "pm.test(\"{label} exists\", () => pm.response.to.have.header({}));",
                            js_string(what.trim_start_matches("headers "))
                        ));
                        continue;
                    }
                    Some("to.not.exist".into())
                }
                "exists" => Some(if v.to_json() == Value::Bool(true) {
                    "to.exist".into()
                } else {
                    "to.not.exist".into()
                }),
                "type" => match v.as_str() {
                    Some("integer") => {
                        self.warnings.push(format!(
                            "{name}: `type: integer` is written as `number` for Postman"
                        ));
                        Some("to.be.a(\"number\")".into())
                    }
                    Some(t) => Some(format!("to.be.a({})", js_string(t))),
                    None => None,
                },
                "matches" => v
                    .as_str()
                    .map(|r| format!("to.match(/{}/)", r.replace('/', "\\/"))),
                "contains" => Some(format!("to.include({})", val())),
                "not_contains" => Some(format!("to.not.include({})", val())),
                "length" if matches!(v.kind, Kind::Scalar(Value::Number(_))) => {
                    Some(format!("to.have.lengthOf({})", val()))
                }
                "gt" => Some(format!("to.be.above({})", val())),
                "gte" => Some(format!("to.be.at.least({})", val())),
                "lt" => Some(format!("to.be.below({})", val())),
                "lte" => Some(format!("to.be.at.most({})", val())),
                "one_of" => Some(format!("to.be.oneOf({})", val())),
                _ => None,
            };
            match chain {
                Some(c) => out.push(format!(
                    "pm.test(\"{label} {op}\", () => pm.expect({subject}).{c});"
                )),
                None => self.untranslatable(out, name, &format!("{what} {op}"), v),
            }
        }
    }
}

impl Exporter {
    /// The body, with what the importer noted back in place: a disabled body, and file fields
    /// of a form-data body (which `runner` cannot send).
    fn body_with_notes(&self, n: &Node) -> Option<Value> {
        let notes: Vec<&Kept> = self
            .kept
            .iter()
            .filter(|k| k.kind == "body")
            .filter(|k| {
                self.starts.iter().rev().find(|s| **s <= k.line).copied() == Some(n.span.line)
            })
            .collect();
        if notes.iter().any(|k| k.text.starts_with("disabled")) {
            return Some(json!({"mode": "raw", "raw": "", "disabled": true}));
        }
        let files: Vec<Value> = notes
            .iter()
            .filter_map(|k| {
                let rest = k.text.strip_prefix("file field `")?;
                let (key, rest) = rest.split_once('`')?;
                let src = rest.trim().strip_prefix('(')?.rsplit_once(')')?.0;
                Some(json!({"key": key, "type": "file", "src": serde_json::from_str::<Value>(src).unwrap_or(Value::Null)}))
            })
            .collect();
        let mut b = body(n);
        if !files.is_empty() {
            let mut fields = b
                .as_ref()
                .and_then(|b| b["urlencoded"].as_array().cloned())
                .unwrap_or_default();
            fields.extend(files);
            b = Some(json!({"mode": "formdata", "formdata": fields}));
        }
        b
    }
}

/// The values of a `query:` or `form:` entry: a list repeats the key; null is empty.
fn pair_values(v: &Node) -> Vec<String> {
    match &v.kind {
        Kind::Seq(items) => items
            .iter()
            .map(|i| text(Some(i)).unwrap_or_default())
            .collect(),
        Kind::Scalar(Value::Null) => vec![String::new()],
        _ => vec![text(Some(v)).unwrap_or_default()],
    }
}

fn body(n: &Node) -> Option<Value> {
    if let Some(j) = get(n, "json") {
        let v = postman_value(&j.to_json());
        return Some(
            json!({"mode": "raw", "raw": serde_json::to_string_pretty(&v).ok()?, "options": {"raw": {"language": "json"}}}),
        );
    }
    if let Some(Kind::Map(f)) = get(n, "form").map(|f| &f.kind) {
        let mut fields = Vec::new();
        for (k, _, v) in f {
            let values = pair_values(v);
            for value in values {
                fields.push(json!({"key": k, "value": postman_template(&value), "type": "text"}));
            }
        }
        return Some(json!({"mode": "urlencoded", "urlencoded": fields}));
    }
    let b = text(get(n, "body"))?;
    Some(json!({"mode": "raw", "raw": postman_template(&b)}))
}

/// `{{base}}/a/b` → (host parts, path parts).
fn split_url(url: &str) -> (Vec<String>, Vec<String>) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or("");
    let path: Vec<String> = parts.map(str::to_string).collect();
    let host = if host.contains("{{") {
        vec![host.to_string()]
    } else {
        host.split('.').map(str::to_string).collect()
    };
    (host, path)
}

/// A JSONPath that names one value → JS reading it from `pm.response.json()`.
fn js_json(path: &str) -> Option<String> {
    let c = PATH.captures(path.trim())?;
    let mut out = String::from("pm.response.json()");
    for s in SEG.captures_iter(&c[1]) {
        if let Some(n) = s.get(1) {
            out.push('.');
            out.push_str(n.as_str());
        } else if let Some(i) = s.get(2) {
            out.push_str(&format!("[{}]", i.as_str()));
        } else if let Some(q) = s.get(3).or(s.get(4)) {
            out.push_str(&format!("[{}]", js_string(&q.as_str().replace("\\'", "'"))));
        }
    }
    Some(out)
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A value in a script: a lone `{{ var }}` reads the variable; anything else is a JSON literal.
fn js_literal(v: &Value) -> String {
    if let Some(s) = v.as_str()
        && let Some(c) = VAR.captures(s)
        && c[0].len() == s.trim().len()
        && c[1]
            .trim()
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    {
        return format!("pm.variables.get({})", js_string(c[1].trim()));
    }
    postman_value(v).to_string()
}
